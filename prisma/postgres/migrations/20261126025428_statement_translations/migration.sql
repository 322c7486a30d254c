-- CreateTable
CREATE TABLE "StatementTranslation" (
    "organizationId" TEXT NOT NULL,
    "frameworkId" TEXT NOT NULL,
    "frameworkVersion" TEXT NOT NULL,
    "statementId" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "updatedById" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StatementTranslation_pkey" PRIMARY KEY ("organizationId","frameworkId","frameworkVersion","statementId","locale")
);

