import { webhookDedupScenarios } from "./webhook-dedup";

webhookDedupScenarios("postgres");
