"""A developer's day through python-gitlab (Debian's python3-gitlab), against labforge.

Run by test/clients/clients.test.ts with LABFORGE_URL and LABFORGE_TOKEN (root's token) set.
Exits non-zero on the first assertion that fails.
"""
import os
import sys

import gitlab

gl = gitlab.Gitlab(os.environ["LABFORGE_URL"], private_token=os.environ["LABFORGE_TOKEN"])
gl.auth()
assert gl.user.username == "root"
sfx = os.environ["LABFORGE_SUFFIX"]

dev = gl.users.create({"email": f"py{sfx}@example.com", "username": f"py{sfx}", "name": "Py Dev",
                       "password": "Secret-pass-123", "skip_confirmation": True})
group = gl.groups.create({"name": f"Py {sfx}", "path": f"py-{sfx}"})
sub = gl.groups.create({"name": "sub", "path": "sub", "parent_id": group.id})
project = gl.projects.create({"name": "demo", "namespace_id": sub.id, "initialize_with_readme": True})
assert gl.projects.get(f"py-{sfx}/sub/demo").id == project.id
project.members.create({"user_id": dev.id, "access_level": gitlab.const.DEVELOPER_ACCESS})
assert sorted(m.username for m in project.members_all.list(get_all=True)) == sorted(["root", dev.username])

project.branches.create({"branch": "feature", "ref": "main"})
project.files.create({"file_path": "src/a.txt", "branch": "feature", "content": "hello\n", "commit_message": "add a"})
assert project.files.get("src/a.txt", ref="feature").decode() == b"hello\n"
project.commits.create({"branch": "feature", "commit_message": "more",
                        "actions": [{"action": "create", "file_path": "b.txt", "content": "b\n"}]})
assert [d["new_path"] for d in project.commits.get("feature").diff()] == ["b.txt"]

issue = project.issues.create({"title": "broken", "labels": ["bug"]})
mr = project.mergerequests.create({"source_branch": "feature", "target_branch": "main", "title": "Feature",
                                   "description": f"Closes #{issue.iid}", "squash": True})
mr = project.mergerequests.get(mr.iid)
assert mr.detailed_merge_status == "mergeable", mr.detailed_merge_status
assert len(mr.changes()["changes"]) == 2

# approve() replaces the object's attributes with the answer: the merge request must still be usable.
mr.approve()
assert mr.iid == 1 and mr.approvals.get().approved is True

mr = project.mergerequests.get(mr.iid)
refs = mr.diff_refs
thread = mr.discussions.create({"body": "nice line", "position": {
    "position_type": "text", "base_sha": refs["base_sha"], "start_sha": refs["start_sha"],
    "head_sha": refs["head_sha"], "new_path": "b.txt", "new_line": 1}})
assert thread.attributes["notes"][0]["position"]["new_line"] == 1
assert [i.iid for i in mr.closes_issues()] == [issue.iid]

merged = mr.merge(squash=True, should_remove_source_branch=True)
assert merged["state"] == "merged"
assert project.issues.get(issue.iid).state == "closed"
assert "feature" not in [b.name for b in project.branches.list(get_all=True)]

# Pagination as python-gitlab drives it: offset iterator and keyset.
for n in range(3):
    project.issues.create({"title": f"page {n}"})
assert sum(1 for _ in project.issues.list(iterator=True, per_page=1)) == 4
assert len(gl.projects.list(pagination="keyset", order_by="id", per_page=1, get_all=True)) >= 1

# python-gitlab sends Content-Type: application/json with an empty body on every DELETE.
project.labels.get("bug").delete()
gl.projects.delete(project.id)
group.delete()
print("python-gitlab", gitlab.__version__, "ok")
sys.exit(0)
