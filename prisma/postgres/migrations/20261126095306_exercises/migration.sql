-- AlterTable
ALTER TABLE "TerminalTicket" ADD COLUMN     "host" TEXT,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'lab';

-- CreateTable
CREATE TABLE "Exercise" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "labId" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "extraMinutes" INTEGER NOT NULL DEFAULT 0,
    "state" TEXT NOT NULL,
    "seed" INTEGER NOT NULL,
    "openedAt" TIMESTAMP(3),
    "pausedAt" TIMESTAMP(3),
    "pausedMs" INTEGER NOT NULL DEFAULT 0,
    "closedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Exercise_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExerciseTeam" (
    "id" TEXT NOT NULL,
    "exerciseId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slot" INTEGER NOT NULL,
    "envState" TEXT NOT NULL DEFAULT 'idle',
    "environment" TEXT,
    "envError" TEXT,
    "score" INTEGER NOT NULL DEFAULT 0,
    "maxScore" INTEGER NOT NULL DEFAULT 0,
    "hintPenalty" INTEGER NOT NULL DEFAULT 0,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "ExerciseTeam_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExerciseMember" (
    "exerciseId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "host" TEXT,
    "joinedAt" TIMESTAMP(3),
    "lastSeenAt" TIMESTAMP(3),
    "activeHost" TEXT,

    CONSTRAINT "ExerciseMember_pkey" PRIMARY KEY ("exerciseId","userId")
);

-- CreateTable
CREATE TABLE "ExerciseAttempt" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "userId" TEXT,
    "kind" TEXT NOT NULL,
    "input" TEXT,
    "passed" BOOLEAN NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "message" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExerciseAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExerciseTaskResult" (
    "teamId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "userId" TEXT,
    "points" INTEGER NOT NULL,
    "passedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExerciseTaskResult_pkey" PRIMARY KEY ("teamId","taskId")
);

-- CreateTable
CREATE TABLE "ExerciseHint" (
    "teamId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "hintIndex" INTEGER NOT NULL,
    "penalty" INTEGER NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExerciseHint_pkey" PRIMARY KEY ("teamId","taskId","hintIndex")
);

-- CreateTable
CREATE TABLE "ExerciseReportSection" (
    "teamId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "sectionId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedById" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ExerciseReportSection_pkey" PRIMARY KEY ("teamId","taskId","sectionId")
);

-- CreateTable
CREATE TABLE "ExerciseInject" (
    "id" TEXT NOT NULL,
    "exerciseId" TEXT NOT NULL,
    "teamId" TEXT,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "sentById" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExerciseInject_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExerciseEvent" (
    "id" TEXT NOT NULL,
    "exerciseId" TEXT NOT NULL,
    "teamId" TEXT,
    "userId" TEXT,
    "type" TEXT NOT NULL,
    "taskId" TEXT,
    "passed" BOOLEAN,
    "detail" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExerciseEvent_pkey" PRIMARY KEY ("id")
);

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

-- AddForeignKey
ALTER TABLE "ExerciseTeam" ADD CONSTRAINT "ExerciseTeam_exerciseId_fkey" FOREIGN KEY ("exerciseId") REFERENCES "Exercise"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExerciseMember" ADD CONSTRAINT "ExerciseMember_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "ExerciseTeam"("id") ON DELETE CASCADE ON UPDATE CASCADE;

