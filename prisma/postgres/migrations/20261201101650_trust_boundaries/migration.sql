-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "billingCheckedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "outcome" TEXT,
ADD COLUMN     "reason" TEXT;

