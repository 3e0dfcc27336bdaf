import { webhookTrustScenarios } from "./webhook-trust";

webhookTrustScenarios("sqlite");
