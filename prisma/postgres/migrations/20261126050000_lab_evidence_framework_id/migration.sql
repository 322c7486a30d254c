-- Lab evidence named its framework by the lab manifest's id ('nice-v2.1.0'); roles and content use
-- the framework id ('nice'). Normalise, so lab evidence counts towards readiness (lib/labs/package/framework.ts).
UPDATE "Evidence" SET "frameworkId" = 'nice' WHERE "frameworkId" = 'nice-v2.1.0';
