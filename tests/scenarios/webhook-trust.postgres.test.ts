import { webhookTrustScenarios } from "./webhook-trust";

webhookTrustScenarios("postgres");
