-- CreateTable
CREATE TABLE "ContentProgress" (
    "userId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "itemType" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "section" TEXT NOT NULL,
    "completedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContentProgress_pkey" PRIMARY KEY ("userId","itemType","itemId","section")
);

-- CreateTable
CREATE TABLE "QuizAttempt" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "itemType" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "answers" TEXT NOT NULL,
    "correct" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "QuizAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TabletopRun" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "briefingId" TEXT NOT NULL,
    "choices" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TabletopRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContentCompletion" (
    "userId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "itemType" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "completedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContentCompletion_pkey" PRIMARY KEY ("userId","itemType","itemId")
);

-- CreateIndex
CREATE INDEX "ContentProgress_organizationId_itemType_itemId_idx" ON "ContentProgress"("organizationId", "itemType", "itemId");

-- CreateIndex
CREATE INDEX "QuizAttempt_userId_itemType_itemId_idx" ON "QuizAttempt"("userId", "itemType", "itemId");

-- CreateIndex
CREATE INDEX "TabletopRun_userId_briefingId_idx" ON "TabletopRun"("userId", "briefingId");

-- CreateIndex
CREATE INDEX "TabletopRun_organizationId_briefingId_idx" ON "TabletopRun"("organizationId", "briefingId");

