import type { Selectable } from 'kysely';
import type { AwardEmojiTable, IssuesTable, NotesTable } from '../db/schema.js';
import type { User } from '../http/auth.js';
import { ACCESS, type GroupSubject, isAdmin } from './groups.js';
import { type ProjectSubject, projectAbilities } from './projects.js';

export type Issue = Selectable<IssuesTable>;
export type Note = Selectable<NotesTable>;
export type Award = Selectable<AwardEmojiTable>;

/** An issue as one actor sees it: its project (with the actor's access) and its assignees. */
export interface IssueSubject {
  project: ProjectSubject;
  issue: Issue;
  assigneeIds: readonly number[];
}

export interface NoteSubject {
  issue: IssueSubject;
  note: Note;
}

const signedIn = (actor: User | null): actor is User => actor !== null;
const atLeast = (actor: User | null, access: number, level: number) =>
  signedIn(actor) && (isAdmin(actor) || access >= level);
const readIssues = projectAbilities.read_issue;

/** Planner (and Reporter and above) manage issues: labels, milestones, assignees, others' issues. */
const managesIssues = (actor: User | null, s: ProjectSubject) => atLeast(actor, s.access, ACCESS.PLANNER);

const involved = (actor: User | null, s: IssueSubject) =>
  signedIn(actor) && (s.issue.author_id === actor.id || s.assigneeIds.includes(actor.id));

/** Confidential issues: author, assignees, Planner+ and admins only. */
const readIssue = (actor: User | null, s: IssueSubject) =>
  readIssues(actor, s.project) &&
  (!s.issue.confidential || isAdmin(actor) || involved(actor, s) || managesIssues(actor, s.project));

/** Abilities over issues, labels, milestones, notes and award emoji (GitLab's IssuePolicy and friends). */
export const issueAbilities = {
  // Anyone signed in who can read a project's issues may open one (GitLab lets non-members of public projects).
  create_issue: (actor: User | null, s: ProjectSubject) =>
    signedIn(actor) && readIssues(actor, s) && !s.project.archived,
  admin_issue: managesIssues,
  /** created_at on create/update: admins and owners. */
  set_issue_created_at: (actor: User | null, s: ProjectSubject) => atLeast(actor, s.access, ACCESS.OWNER),
  /** An explicit iid on create: admins only. */
  set_issue_iid: (actor: User | null, _s: ProjectSubject) => isAdmin(actor),
  read_issue_iid: readIssue,
  update_issue: (actor: User | null, s: IssueSubject) =>
    readIssue(actor, s) &&
    !s.project.project.archived &&
    (involved(actor, s) || managesIssues(actor, s.project)),
  destroy_issue: (actor: User | null, s: IssueSubject) => atLeast(actor, s.project.access, ACCESS.OWNER),
  read_label: (actor: User | null, s: ProjectSubject) => projectAbilities.read_project(actor, s),
  admin_label: (actor: User | null, s: ProjectSubject) => atLeast(actor, s.access, ACCESS.REPORTER),
  admin_group_label: (actor: User | null, g: GroupSubject) => atLeast(actor, g.access, ACCESS.REPORTER),
  read_milestone: (actor: User | null, s: ProjectSubject) =>
    readIssues(actor, s) || projectAbilities.read_merge_request(actor, s),
  admin_milestone: (actor: User | null, s: ProjectSubject) => atLeast(actor, s.access, ACCESS.REPORTER),
  admin_group_milestone: (actor: User | null, g: GroupSubject) => atLeast(actor, g.access, ACCESS.REPORTER),
  /** Locked discussions take comments from Reporter+ only. */
  create_note: (actor: User | null, s: IssueSubject) =>
    signedIn(actor) &&
    readIssue(actor, s) &&
    (!s.issue.discussion_locked || atLeast(actor, s.project.access, ACCESS.REPORTER)),
  read_internal_note: (actor: User | null, s: IssueSubject) =>
    atLeast(actor, s.project.access, ACCESS.REPORTER),
  update_note: (actor: User | null, n: NoteSubject) =>
    signedIn(actor) && !n.note.system && n.note.author_id === actor.id,
  /** Resolving threads is for merge requests; issue notes are never resolvable. */
  resolve_note: (_actor: User | null, _n: NoteSubject) => false,
  destroy_note: (actor: User | null, n: NoteSubject) =>
    signedIn(actor) &&
    !n.note.system &&
    (n.note.author_id === actor.id || atLeast(actor, n.issue.project.access, ACCESS.MAINTAINER)),
  award_emoji: (actor: User | null, s: IssueSubject) => signedIn(actor) && readIssue(actor, s),
  /** Only the awarder (or an admin) takes an award back. */
  destroy_award_emoji: (actor: User | null, a: Award) =>
    signedIn(actor) && (a.user_id === actor.id || isAdmin(actor)),
};
