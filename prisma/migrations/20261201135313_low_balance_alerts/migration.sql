-- CreateTable
CREATE TABLE "AlertSettings" (
    "shopId" TEXT NOT NULL PRIMARY KEY,
    "thresholds" TEXT NOT NULL,
    "email" TEXT,
    "webhookUrl" TEXT,
    "polishingReserve" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AlertSettings_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LowBalanceAlert" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "cycleStart" DATETIME NOT NULL,
    "threshold" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME,
    CONSTRAINT "LowBalanceAlert_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "LowBalanceAlert_shopId_cycleStart_threshold_channel_key" ON "LowBalanceAlert"("shopId", "cycleStart", "threshold", "channel");

