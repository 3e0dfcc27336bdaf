-- ReservationAllocation without its rowid (docs/decisions/004-ledger-hot-path.md): every reserve writes one
-- allocation row, and a rowid table keeps it in three b-trees (the table, its primary key, the grant index);
-- clustered on the primary key it is in two. Same columns, keys, checks and foreign keys. Prisma's schema
-- language cannot say WITHOUT ROWID, so only this migration does (tests/schema-lockstep.test.ts checks it).
CREATE TABLE "new_ReservationAllocation" (
    "reservationId" TEXT NOT NULL,
    "grantId" TEXT NOT NULL,
    "credits" INTEGER NOT NULL,

    PRIMARY KEY ("reservationId", "grantId"),
    CONSTRAINT "ReservationAllocation_credits_check" CHECK ("credits" > 0),
    CONSTRAINT "ReservationAllocation_reservationId_fkey" FOREIGN KEY ("reservationId") REFERENCES "Reservation" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ReservationAllocation_grantId_fkey" FOREIGN KEY ("grantId") REFERENCES "CreditGrant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;
INSERT INTO "new_ReservationAllocation" ("reservationId", "grantId", "credits")
  SELECT "reservationId", "grantId", "credits" FROM "ReservationAllocation";
DROP TABLE "ReservationAllocation";
ALTER TABLE "new_ReservationAllocation" RENAME TO "ReservationAllocation";
CREATE INDEX "ReservationAllocation_grantId_idx" ON "ReservationAllocation"("grantId");
