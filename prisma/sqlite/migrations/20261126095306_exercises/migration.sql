-- CreateTable
CREATE TABLE "Exercise" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organizationId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "labId" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME NOT NULL,
    "extraMinutes" INTEGER NOT NULL DEFAULT 0,
    "state" TEXT NOT NULL,
    "seed" INTEGER NOT NULL,
    "openedAt" DATETIME,
    "pausedAt" DATETIME,
    "pausedMs" INTEGER NOT NULL DEFAULT 0,
    "closedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ExerciseTeam" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "exerciseId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slot" INTEGER NOT NULL,
    "envState" TEXT NOT NULL DEFAULT 'idle',
    "environment" TEXT,
    "envError" TEXT,
    "score" INTEGER NOT NULL DEFAULT 0,
    "maxScore" INTEGER NOT NULL DEFAULT 0,
    "hintPenalty" INTEGER NOT NULL DEFAULT 0,
    "completedAt" DATETIME,
    CONSTRAINT "ExerciseTeam_exerciseId_fkey" FOREIGN KEY ("exerciseId") REFERENCES "Exercise" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ExerciseMember" (
    "exerciseId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "host" TEXT,
    "joinedAt" DATETIME,
    "lastSeenAt" DATETIME,
    "activeHost" TEXT,

    PRIMARY KEY ("exerciseId", "userId"),
    CONSTRAINT "ExerciseMember_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "ExerciseTeam" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ExerciseAttempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "userId" TEXT,
    "kind" TEXT NOT NULL,
    "input" TEXT,
    "passed" BOOLEAN NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "message" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ExerciseTaskResult" (
    "teamId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "userId" TEXT,
    "points" INTEGER NOT NULL,
    "passedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("teamId", "taskId")
);

-- CreateTable
CREATE TABLE "ExerciseHint" (
    "teamId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "hintIndex" INTEGER NOT NULL,
    "penalty" INTEGER NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("teamId", "taskId", "hintIndex")
);

-- CreateTable
CREATE TABLE "ExerciseReportSection" (
    "teamId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "sectionId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedById" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("teamId", "taskId", "sectionId")
);

-- CreateTable
CREATE TABLE "ExerciseInject" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "exerciseId" TEXT NOT NULL,
    "teamId" TEXT,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "sentById" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ExerciseEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "exerciseId" TEXT NOT NULL,
    "teamId" TEXT,
    "userId" TEXT,
    "type" TEXT NOT NULL,
    "taskId" TEXT,
    "passed" BOOLEAN,
    "detail" TEXT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_TerminalTicket" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "labSessionId" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'lab',
    "host" TEXT,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_TerminalTicket" ("createdAt", "expiresAt", "id", "labSessionId", "usedAt", "userId") SELECT "createdAt", "expiresAt", "id", "labSessionId", "usedAt", "userId" FROM "TerminalTicket";
DROP TABLE "TerminalTicket";
ALTER TABLE "new_TerminalTicket" RENAME TO "TerminalTicket";
CREATE INDEX "TerminalTicket_expiresAt_idx" ON "TerminalTicket"("expiresAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Exercise_organizationId_startsAt_idx" ON "Exercise"("organizationId", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "ExerciseTeam_exerciseId_slot_key" ON "ExerciseTeam"("exerciseId", "slot");

-- CreateIndex
CREATE INDEX "ExerciseMember_teamId_idx" ON "ExerciseMember"("teamId");

-- CreateIndex
CREATE INDEX "ExerciseAttempt_teamId_taskId_idx" ON "ExerciseAttempt"("teamId", "taskId");

-- CreateIndex
CREATE INDEX "ExerciseInject_exerciseId_sentAt_idx" ON "ExerciseInject"("exerciseId", "sentAt");

-- CreateIndex
CREATE INDEX "ExerciseEvent_exerciseId_at_idx" ON "ExerciseEvent"("exerciseId", "at");

