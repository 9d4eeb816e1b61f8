import type { Selectable } from 'kysely';
import type { LabelsTable } from '../../db/schema.js';
import { escapeHtml } from '../../http/html.js';
import { textColorFor } from './colors.js';

export type Label = Selectable<LabelsTable>;

export interface LabelCounts {
  open_issues_count: number;
  closed_issues_count: number;
  open_merge_requests_count: number;
}

/** What a page of labels needs besides the rows, batch-loaded (see loadLabelExtras in finder.ts). */
export interface LabelExtras {
  subscribed: Set<number>;
  priorities: Map<number, number>;
  /** Only with `with_counts`. */
  counts?: Map<number, LabelCounts>;
}

/** lib/api/entities/label_basic.rb */
export function toLabelBasic(label: Label) {
  return {
    id: label.id,
    name: label.title,
    color: label.color,
    description: label.description,
    // gitlab-compat: descriptions are not rendered as Markdown; description_html is the escaped text.
    description_html: label.description === null ? null : escapeHtml(label.description),
    text_color: textColorFor(label.color),
    // gitlab-compat: "remove on close" labels (scoped workflows) are not supported.
    remove_on_close: false,
  };
}

/** lib/api/entities/label.rb (the GroupLabel entity adds nothing). */
export function toLabel(label: Label, extras: LabelExtras) {
  const counts = extras.counts?.get(label.id) ?? {
    open_issues_count: 0,
    closed_issues_count: 0,
    open_merge_requests_count: 0,
  };
  return {
    ...toLabelBasic(label),
    ...(extras.counts ? counts : {}),
    subscribed: extras.subscribed.has(label.id),
  };
}

/** lib/api/entities/project_label.rb */
export function toProjectLabel(label: Label, extras: LabelExtras) {
  return {
    ...toLabel(label, extras),
    priority: extras.priorities.get(label.id) ?? null,
    is_project_label: label.type === 'ProjectLabel',
  };
}
