import { adminTrustScenarios } from "./admin-trust-scenarios";

adminTrustScenarios("postgres");
