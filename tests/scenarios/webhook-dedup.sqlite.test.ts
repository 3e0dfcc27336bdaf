import { webhookDedupScenarios } from "./webhook-dedup";

webhookDedupScenarios("sqlite");
