-- AlterTable
ALTER TABLE "TopUpPurchase" ADD COLUMN     "confirmationUrl" TEXT;

