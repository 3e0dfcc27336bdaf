import { billingActivityScenarios } from "./billing-activity-scenarios";

billingActivityScenarios("postgres");
