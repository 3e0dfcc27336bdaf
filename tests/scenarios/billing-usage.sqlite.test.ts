import { billingUsageScenarios } from "./billing-usage-scenarios";

billingUsageScenarios("sqlite");
