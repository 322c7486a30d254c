-- AlterTable
ALTER TABLE "Membership" ADD COLUMN     "currentRoleId" TEXT,
ADD COLUMN     "readinessStale" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "targetRoleId" TEXT;

-- CreateTable
CREATE TABLE "Assignment" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "assignedById" TEXT NOT NULL,
    "itemKind" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "note" TEXT,
    "completedAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Assignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "XapiStatement" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "verb" TEXT NOT NULL,
    "activityId" TEXT NOT NULL,
    "registration" TEXT,
    "success" BOOLEAN,
    "timestamp" TIMESTAMP(3) NOT NULL,
    "stored" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "json" TEXT NOT NULL,

    CONSTRAINT "XapiStatement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "XapiOutbox" (
    "id" TEXT NOT NULL,
    "statementId" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "XapiOutbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IssuerKey" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "kid" TEXT NOT NULL,
    "publicKeyJwk" TEXT NOT NULL,
    "privateKeySealed" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retiredAt" TIMESTAMP(3),

    CONSTRAINT "IssuerKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BadgeCredential" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "achievementType" TEXT NOT NULL,
    "achievementRef" TEXT NOT NULL,
    "kid" TEXT NOT NULL,
    "credentialJson" TEXT NOT NULL,
    "jwt" TEXT NOT NULL,
    "issuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),
    "revocationReason" TEXT,

    CONSTRAINT "BadgeCredential_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RoleReadiness" (
    "userId" TEXT NOT NULL,
    "orgRoleId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "roleVersion" INTEGER NOT NULL,
    "share" DOUBLE PRECISION NOT NULL,
    "bucket" INTEGER NOT NULL,
    "met" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,
    "validUntil" TIMESTAMP(3) NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RoleReadiness_pkey" PRIMARY KEY ("userId","orgRoleId")
);

-- CreateIndex
CREATE INDEX "Assignment_organizationId_userId_idx" ON "Assignment"("organizationId", "userId");

-- CreateIndex
CREATE INDEX "Assignment_organizationId_dueAt_idx" ON "Assignment"("organizationId", "dueAt");

-- CreateIndex
CREATE INDEX "XapiStatement_organizationId_stored_idx" ON "XapiStatement"("organizationId", "stored");

-- CreateIndex
CREATE INDEX "XapiStatement_organizationId_userId_stored_idx" ON "XapiStatement"("organizationId", "userId", "stored");

-- CreateIndex
CREATE INDEX "XapiStatement_organizationId_verb_stored_idx" ON "XapiStatement"("organizationId", "verb", "stored");

-- CreateIndex
CREATE INDEX "XapiStatement_organizationId_activityId_stored_idx" ON "XapiStatement"("organizationId", "activityId", "stored");

-- CreateIndex
CREATE UNIQUE INDEX "XapiOutbox_statementId_key" ON "XapiOutbox"("statementId");

-- CreateIndex
CREATE INDEX "XapiOutbox_nextAttemptAt_idx" ON "XapiOutbox"("nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "IssuerKey_kid_key" ON "IssuerKey"("kid");

-- CreateIndex
CREATE INDEX "IssuerKey_organizationId_idx" ON "IssuerKey"("organizationId");

-- CreateIndex
CREATE INDEX "BadgeCredential_organizationId_issuedAt_idx" ON "BadgeCredential"("organizationId", "issuedAt");

-- CreateIndex
CREATE UNIQUE INDEX "BadgeCredential_userId_achievementType_achievementRef_key" ON "BadgeCredential"("userId", "achievementType", "achievementRef");

-- CreateIndex
CREATE INDEX "RoleReadiness_organizationId_orgRoleId_roleVersion_bucket_v_idx" ON "RoleReadiness"("organizationId", "orgRoleId", "roleVersion", "bucket", "validUntil", "share");

-- CreateIndex
CREATE INDEX "Membership_organizationId_readinessStale_idx" ON "Membership"("organizationId", "readinessStale");

-- AddForeignKey
ALTER TABLE "RoleReadiness" ADD CONSTRAINT "RoleReadiness_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

