-- CreateTable
CREATE TABLE "AlertSettings" (
    "shopId" TEXT NOT NULL,
    "thresholds" TEXT NOT NULL,
    "email" TEXT,
    "webhookUrl" TEXT,
    "polishingReserve" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AlertSettings_pkey" PRIMARY KEY ("shopId")
);

-- CreateTable
CREATE TABLE "LowBalanceAlert" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "cycleStart" TIMESTAMP(3) NOT NULL,
    "threshold" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "LowBalanceAlert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "LowBalanceAlert_shopId_cycleStart_threshold_channel_key" ON "LowBalanceAlert"("shopId", "cycleStart", "threshold", "channel");

-- AddForeignKey
ALTER TABLE "AlertSettings" ADD CONSTRAINT "AlertSettings_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LowBalanceAlert" ADD CONSTRAINT "LowBalanceAlert_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

