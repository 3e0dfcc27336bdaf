import { billingPageScenarios } from "./billing-page-scenarios";

billingPageScenarios("sqlite");
