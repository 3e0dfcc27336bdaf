import { billingReconcileScenarios } from "./billing-reconcile-scenarios";

billingReconcileScenarios("postgres");
