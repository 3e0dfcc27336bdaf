import { billingDowngradeScenarios } from "./billing-downgrade-scenarios";

billingDowngradeScenarios("sqlite");
