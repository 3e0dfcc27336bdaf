import { billingAlertsScenarios } from "./billing-alerts-scenarios";

billingAlertsScenarios("sqlite");
