-- CreateTable
CREATE TABLE "ContentProgress" (
    "userId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "itemType" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "section" TEXT NOT NULL,
    "completedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("userId", "itemType", "itemId", "section")
);

-- CreateTable
CREATE TABLE "QuizAttempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "itemType" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "answers" TEXT NOT NULL,
    "correct" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "TabletopRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "briefingId" TEXT NOT NULL,
    "choices" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ContentCompletion" (
    "userId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "itemType" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "completedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("userId", "itemType", "itemId")
);

-- CreateIndex
CREATE INDEX "ContentProgress_organizationId_itemType_itemId_idx" ON "ContentProgress"("organizationId", "itemType", "itemId");

-- CreateIndex
CREATE INDEX "QuizAttempt_userId_itemType_itemId_idx" ON "QuizAttempt"("userId", "itemType", "itemId");

-- CreateIndex
CREATE INDEX "TabletopRun_userId_briefingId_idx" ON "TabletopRun"("userId", "briefingId");

-- CreateIndex
CREATE INDEX "TabletopRun_organizationId_briefingId_idx" ON "TabletopRun"("organizationId", "briefingId");

