-- AlterEnum
ALTER TYPE "NumberStatus" ADD VALUE 'RETIRED';

-- AlterTable
ALTER TABLE "VirtualNumber" ADD COLUMN     "operatorRoute" TEXT,
ADD COLUMN     "retiredAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "VirtualNumber_operatorRoute_idx" ON "VirtualNumber"("operatorRoute");
