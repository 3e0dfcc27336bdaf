import { deploymentScenarios } from "./deployment-scenarios";

deploymentScenarios("sqlite");
