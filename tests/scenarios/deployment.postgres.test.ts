import { deploymentScenarios } from "./deployment-scenarios";

deploymentScenarios("postgres");
