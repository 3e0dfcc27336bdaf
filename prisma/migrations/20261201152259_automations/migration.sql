-- CreateTable
CREATE TABLE "TopUpPurchase" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "packKey" TEXT NOT NULL,
    "credits" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "test" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "TopUpPurchase_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Automation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "schedule" TEXT NOT NULL,
    "topicSource" TEXT NOT NULL,
    "briefId" TEXT,
    "brief" TEXT NOT NULL,
    "blogId" TEXT NOT NULL,
    "publishMode" TEXT NOT NULL,
    "publishTime" TEXT,
    "maxRunsPerDay" INTEGER NOT NULL,
    "monthlyBudget" INTEGER NOT NULL,
    "nextSlotAt" DATETIME,
    "busyUntil" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Automation_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AutomationTopic" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "automationId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "topic" TEXT NOT NULL,
    "runId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AutomationTopic_automationId_fkey" FOREIGN KEY ("automationId") REFERENCES "Automation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AutomationRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "automationId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "slot" DATETIME NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "topic" TEXT,
    "jobId" TEXT,
    "draftId" TEXT,
    "articleId" TEXT,
    "credits" INTEGER NOT NULL DEFAULT 0,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AutomationRun_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AutomationRun_automationId_fkey" FOREIGN KEY ("automationId") REFERENCES "Automation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "TopUpPurchase_shopId_status_idx" ON "TopUpPurchase"("shopId", "status");

-- CreateIndex
CREATE INDEX "Automation_status_nextSlotAt_idx" ON "Automation"("status", "nextSlotAt");

-- CreateIndex
CREATE INDEX "Automation_shopId_createdAt_idx" ON "Automation"("shopId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AutomationTopic_runId_key" ON "AutomationTopic"("runId");

-- CreateIndex
CREATE INDEX "AutomationTopic_automationId_position_idx" ON "AutomationTopic"("automationId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "AutomationRun_jobId_key" ON "AutomationRun"("jobId");

-- CreateIndex
CREATE INDEX "AutomationRun_status_createdAt_idx" ON "AutomationRun"("status", "createdAt");

-- CreateIndex
CREATE INDEX "AutomationRun_shopId_createdAt_idx" ON "AutomationRun"("shopId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AutomationRun_automationId_slot_key" ON "AutomationRun"("automationId", "slot");

