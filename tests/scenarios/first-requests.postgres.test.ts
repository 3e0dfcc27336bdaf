import { firstRequestScenarios } from "./first-requests";

firstRequestScenarios("postgres");
