-- CreateTable
CREATE TABLE "Assignment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organizationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "assignedById" TEXT NOT NULL,
    "itemKind" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "note" TEXT,
    "completedAt" DATETIME,
    "cancelledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "XapiStatement" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organizationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "verb" TEXT NOT NULL,
    "activityId" TEXT NOT NULL,
    "registration" TEXT,
    "success" BOOLEAN,
    "timestamp" DATETIME NOT NULL,
    "stored" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "json" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "XapiOutbox" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "statementId" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "IssuerKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organizationId" TEXT NOT NULL,
    "kid" TEXT NOT NULL,
    "publicKeyJwk" TEXT NOT NULL,
    "privateKeySealed" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retiredAt" DATETIME
);

-- CreateTable
CREATE TABLE "BadgeCredential" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organizationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "achievementType" TEXT NOT NULL,
    "achievementRef" TEXT NOT NULL,
    "kid" TEXT NOT NULL,
    "credentialJson" TEXT NOT NULL,
    "jwt" TEXT NOT NULL,
    "issuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" DATETIME,
    "revocationReason" TEXT
);

-- CreateTable
CREATE TABLE "RoleReadiness" (
    "userId" TEXT NOT NULL,
    "orgRoleId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "roleVersion" INTEGER NOT NULL,
    "share" REAL NOT NULL,
    "bucket" INTEGER NOT NULL,
    "met" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,
    "validUntil" DATETIME NOT NULL,
    "computedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("userId", "orgRoleId"),
    CONSTRAINT "RoleReadiness_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Membership" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "currentRoleId" TEXT,
    "targetRoleId" TEXT,
    "readinessStale" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Membership_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Membership" ("createdAt", "id", "organizationId", "role", "userId") SELECT "createdAt", "id", "organizationId", "role", "userId" FROM "Membership";
DROP TABLE "Membership";
ALTER TABLE "new_Membership" RENAME TO "Membership";
CREATE INDEX "Membership_organizationId_role_idx" ON "Membership"("organizationId", "role");
CREATE INDEX "Membership_organizationId_readinessStale_idx" ON "Membership"("organizationId", "readinessStale");
CREATE UNIQUE INDEX "Membership_userId_organizationId_key" ON "Membership"("userId", "organizationId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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
CREATE INDEX "RoleReadiness_organizationId_orgRoleId_roleVersion_bucket_validUntil_share_idx" ON "RoleReadiness"("organizationId", "orgRoleId", "roleVersion", "bucket", "validUntil", "share");

