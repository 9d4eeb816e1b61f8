import type { Selectable } from 'kysely';
import type { Config } from '../../config.js';
import type { ProjectsTable, TodosTable } from '../../db/schema.js';
import type { User } from '../../http/auth.js';
import { webUrl } from '../../http/urls.js';
import { toUserBasic } from '../users/entity.js';
import { TODO_ACTIONS } from './service.js';

export type Todo = Selectable<TodosTable>;
type Project = Selectable<ProjectsTable>;

/** lib/api/entities/project_identity.rb */
export function toProjectIdentity(project: Project, namespaceFullName: string) {
  return {
    id: project.id,
    description: project.description,
    name: project.name,
    name_with_namespace: `${namespaceFullName} / ${project.name}`,
    path: project.path,
    path_with_namespace: project.path_with_namespace,
    created_at: project.created_at,
  };
}

export interface TodoPresenter {
  config: Pick<Config, 'externalUrl'>;
  projects: Map<number, { project: Project; namespaceFullName: string }>;
  authors: Map<number, User>;
  targets: Map<string, { entity: unknown; iid: number }>;
}

/** lib/api/entities/todo.rb (project todos; group todos are not created yet). */
export function toTodo(p: TodoPresenter, todo: Todo) {
  const project = todo.project_id === null ? undefined : p.projects.get(todo.project_id);
  const author = todo.author_id === null ? undefined : p.authors.get(todo.author_id);
  const target = p.targets.get(`${todo.target_type}:${todo.target_id}`);
  const kind = todo.target_type === 'MergeRequest' ? 'merge_requests' : 'issues';
  const anchor = todo.note_id === null ? '' : `#note_${todo.note_id}`;
  return {
    id: todo.id,
    ...(project ? { project: toProjectIdentity(project.project, project.namespaceFullName) } : {}),
    author: author ? toUserBasic(p.config, author) : null,
    action_name: TODO_ACTIONS[todo.action] ?? 'marked',
    target_type: todo.target_type,
    target: target?.entity ?? null,
    target_url:
      project && target
        ? webUrl(p.config, `${project.project.path_with_namespace}/-/${kind}/${target.iid}${anchor}`)
        : null,
    body: todo.body ?? '',
    state: todo.state,
    created_at: todo.created_at,
    updated_at: todo.updated_at,
  };
}
