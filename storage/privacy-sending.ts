import type { Connection, mongo } from "mongoose";
import type { DataSubject, PersonalDataHolder } from "../core/privacy/registry.ts";

/**
 * The personal-data holders of sending on cxbot's initiative and of outgoing webhooks (storage/send-queue-store.ts,
 * storage/survey-send-store.ts): surveys sent to a person (`survey_sends`, by platform and user id), what sending
 * knows about them (`send_contacts`, `_id` = respondent key), and queued or finished jobs whose payload names
 * them (`send_jobs`, `send_jobs_done`: survey sends, reminders, webhook deliveries, whose payload can carry a
 * comment) with their leases. Collections that do not exist (sending not set up) read as empty.
 */

interface AnyDoc {
  _id: string;
  [field: string]: unknown;
}

const col = (connection: Connection, name: string): mongo.Collection<AnyDoc> =>
  connection.collection<AnyDoc>(name) as unknown as mongo.Collection<AnyDoc>;

const plain = (doc: unknown): unknown => JSON.parse(JSON.stringify(doc));

/** Whether a job names the person: its lane or chat key, or its payload (JSON text) quoting their id. */
function jobNames(doc: AnyDoc, subject: DataSubject): boolean {
  const payload = typeof doc.payload === "string" ? doc.payload : "";
  const quoted = JSON.stringify(subject.userId);
  return (
    JSON.stringify(doc).includes(subject.key) || payload.includes(subject.key) || payload.includes(quoted)
  );
}

export function sendingHolders(connection: Connection): PersonalDataHolder[] {
  const sends = col(connection, "survey_sends");
  const contacts = col(connection, "send_contacts");
  const leases = col(connection, "send_job_leases");
  const jobCollections = ["send_jobs", "send_jobs_done"].map((name) => col(connection, name));

  const byPerson = (subject: DataSubject) => ({ platform: subject.channel, userId: subject.userId });

  const surveySends: PersonalDataHolder = {
    name: "survey_sends",
    async trace(subject, trace) {
      for (const d of await sends.find(byPerson(subject)).toArray())
        if (typeof d.conversationId === "string") trace.conversationIds.add(d.conversationId);
    },
    async export(subject) {
      return [
        ...(await sends.find(byPerson(subject)).toArray()),
        ...(await contacts.find({ _id: subject.key }).toArray()),
      ].map(plain);
    },
    async erase(subject) {
      const removed = await sends.deleteMany(byPerson(subject));
      const contact = await contacts.deleteOne({ _id: subject.key });
      return removed.deletedCount + contact.deletedCount;
    },
  };

  const jobs: PersonalDataHolder = {
    name: "send_jobs",
    async export(subject) {
      const out: unknown[] = [];
      for (const c of jobCollections)
        for (const d of await c.find({}).toArray()) if (jobNames(d, subject)) out.push(plain(d));
      return out;
    },
    async erase(subject) {
      // The queue is small (finished jobs leave it) and the archive is pruned by age: both are read whole.
      let erased = 0;
      for (const c of jobCollections) {
        const ids = (await c.find({}).toArray()).filter((d) => jobNames(d, subject)).map((d) => d._id);
        if (ids.length === 0) continue;
        erased += (await c.deleteMany({ _id: { $in: ids } })).deletedCount;
        await leases.deleteMany({ jobId: { $in: ids } });
      }
      return erased;
    },
  };

  return [surveySends, jobs];
}
