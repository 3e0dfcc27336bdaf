-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "billingCheckedAt" DATETIME;

-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN "outcome" TEXT;
ALTER TABLE "WebhookDelivery" ADD COLUMN "reason" TEXT;

