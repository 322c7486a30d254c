-- CreateTable
CREATE TABLE "LabSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "labId" TEXT NOT NULL,
    "labVersion" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "sandboxId" TEXT,
    "variables" TEXT,
    "seed" INTEGER NOT NULL,
    "score" INTEGER NOT NULL DEFAULT 0,
    "maxScore" INTEGER NOT NULL,
    "hintPenalty" INTEGER NOT NULL DEFAULT 0,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readyAt" DATETIME,
    "endedAt" DATETIME,
    "endReason" TEXT,
    "completedAt" DATETIME,
    "lastActivityAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "LabTaskAttempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "labSessionId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "input" TEXT,
    "passed" BOOLEAN NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "message" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LabTaskAttempt_labSessionId_fkey" FOREIGN KEY ("labSessionId") REFERENCES "LabSession" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LabTaskResult" (
    "labSessionId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "passedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("labSessionId", "taskId"),
    CONSTRAINT "LabTaskResult_labSessionId_fkey" FOREIGN KEY ("labSessionId") REFERENCES "LabSession" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LabHintReveal" (
    "labSessionId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "hintIndex" INTEGER NOT NULL,
    "penalty" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("labSessionId", "taskId", "hintIndex"),
    CONSTRAINT "LabHintReveal_labSessionId_fkey" FOREIGN KEY ("labSessionId") REFERENCES "LabSession" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TerminalTicket" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "labSessionId" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Evidence" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "statementId" TEXT NOT NULL,
    "frameworkId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "score" REAL,
    "sourceType" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "note" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "LabSession_userId_labId_startedAt_idx" ON "LabSession"("userId", "labId", "startedAt");

-- CreateIndex
CREATE INDEX "LabSession_state_idx" ON "LabSession"("state");

-- CreateIndex
CREATE INDEX "LabSession_organizationId_labId_idx" ON "LabSession"("organizationId", "labId");

-- CreateIndex
CREATE INDEX "LabTaskAttempt_labSessionId_taskId_idx" ON "LabTaskAttempt"("labSessionId", "taskId");

-- CreateIndex
CREATE INDEX "LabTaskAttempt_userId_createdAt_idx" ON "LabTaskAttempt"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "TerminalTicket_expiresAt_idx" ON "TerminalTicket"("expiresAt");

-- CreateIndex
CREATE INDEX "Evidence_userId_statementId_idx" ON "Evidence"("userId", "statementId");

-- CreateIndex
CREATE INDEX "Evidence_organizationId_createdAt_idx" ON "Evidence"("organizationId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Evidence_userId_sourceType_sourceId_statementId_key" ON "Evidence"("userId", "sourceType", "sourceId", "statementId");

