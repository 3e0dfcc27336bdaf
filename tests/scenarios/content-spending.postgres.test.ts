import { contentSpendingScenarios } from "./content-spending-scenarios";

contentSpendingScenarios("postgres");
