import { contentSpendingScenarios } from "./content-spending-scenarios";

contentSpendingScenarios("sqlite");
