/** Which exams a staff member may see: admins and reviewers all, an invigilator only those assigned to them. */
import type { Kysely } from 'kysely';
import type { StaffUser } from '../auth/plugin';
import type { Database } from '../store/schema';

export function assignedExams(db: Kysely<Database>, staff: StaffUser) {
  return staff.role === 'invigilator' ? db.selectFrom('exam_assignments').select('exam_id').where('user_id', '=', staff.id) : null;
}

export async function maySeeExam(db: Kysely<Database>, staff: StaffUser, examId: string): Promise<boolean> {
  if (staff.role !== 'invigilator') return true;
  return (await db.selectFrom('exam_assignments').select('exam_id').where('user_id', '=', staff.id).where('exam_id', '=', examId).executeTakeFirst()) !== undefined;
}
