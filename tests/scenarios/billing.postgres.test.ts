import { billingScenarios } from "./billing-scenarios";

billingScenarios("postgres");
