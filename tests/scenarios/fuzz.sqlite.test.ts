import { fuzzScenarios } from "./fuzz";

fuzzScenarios("sqlite");
