# A developer's day through the Ruby gem (Debian's ruby-gitlab), against labforge.
# Run by test/clients/clients.test.ts with LABFORGE_URL and LABFORGE_TOKEN (root's token) set.
require "gitlab"

def check(cond, what)
  raise "failed: #{what}" unless cond
end

api = Gitlab.client(endpoint: "#{ENV.fetch("LABFORGE_URL")}/api/v4", private_token: ENV.fetch("LABFORGE_TOKEN"))
sfx = ENV.fetch("LABFORGE_SUFFIX")
check(api.user.username == "root", "current user")
dev = api.create_user("rb#{sfx}@example.com", "Secret-pass-123", "rb#{sfx}", name: "Rb Dev", skip_confirmation: true)
group = api.create_group("Rb #{sfx}", "rb-#{sfx}")
project = api.create_project("demo", namespace_id: group.id, initialize_with_readme: true)
check(api.project("rb-#{sfx}/demo").id == project.id, "project by path")
api.add_team_member(project.id, dev.id, 30)
check(api.team_members(project.id).map(&:username) == [dev.username], "members")

api.create_branch(project.id, "feature", "main")
api.create_file(project.id, "lib/x.rb", "feature", "puts 1\n", "add x")
api.edit_file(project.id, "lib/x.rb", "feature", "puts 2\n", "edit x")
check(api.file_contents(project.id, "lib/x.rb", "feature") == "puts 2\n", "file contents")
check(api.commits(project.id, ref_name: "feature").map(&:title).first(2) == ["edit x", "add x"], "commits")

issue = api.create_issue(project.id, "broken", labels: "bug,triage")
check(api.issue(project.id, issue.iid).labels.sort == %w[bug triage], "issue labels")
api.create_issue_note(project.id, issue.iid, "seen")
check(api.issues(project.id, labels: "bug").map(&:iid) == [issue.iid], "issues by label")

mr = api.create_merge_request(project.id, "Feature", source_branch: "feature", target_branch: "main",
                              description: "Fixes ##{issue.iid}")
check(api.merge_request(project.id, mr.iid).detailed_merge_status == "mergeable", "mergeable")
check(api.merge_request_changes(project.id, mr.iid).changes.size == 1, "changes")
check(api.approve_merge_request(project.id, mr.iid).iid == mr.iid, "approve answer")
check(api.accept_merge_request(project.id, mr.iid, should_remove_source_branch: true).state == "merged", "merge")
check(api.issue(project.id, issue.iid).state == "closed", "issue closed by the merge")
check(api.projects(per_page: 1).auto_paginate.size >= 1, "auto_paginate")

api.delete_project(project.id)
api.delete_group(group.id)
puts "ruby gitlab #{Gitlab::VERSION} ok"
