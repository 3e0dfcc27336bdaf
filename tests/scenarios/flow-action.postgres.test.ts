import { flowActionScenarios } from "./flow-action-scenarios";

flowActionScenarios("postgres");
