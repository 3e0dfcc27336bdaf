import { firstRequestScenarios } from "./first-requests";

firstRequestScenarios("sqlite");
