import { billingScenarios } from "./billing-scenarios";

billingScenarios("sqlite");
