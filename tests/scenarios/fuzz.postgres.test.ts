import { fuzzScenarios } from "./fuzz";

fuzzScenarios("postgres");
