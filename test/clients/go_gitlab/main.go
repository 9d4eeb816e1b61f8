// A developer's day through go-gitlab (Debian's golang-github-xanzy-go-gitlab-dev, the client
// behind terraform-provider-gitlab and glab), against labforge. Built and run by
// test/clients/clients.test.ts with LABFORGE_URL, LABFORGE_TOKEN and LABFORGE_SUFFIX set.
package main

import (
	"fmt"
	"os"

	gitlab "github.com/xanzy/go-gitlab"
)

func check(ok bool, what string, args ...interface{}) {
	if !ok {
		fmt.Fprintf(os.Stderr, "failed: "+what+"\n", args...)
		os.Exit(1)
	}
}

func must(err error, what string) {
	check(err == nil, "%s: %v", what, err)
}

func main() {
	sfx := os.Getenv("LABFORGE_SUFFIX")
	git, err := gitlab.NewClient(os.Getenv("LABFORGE_TOKEN"), gitlab.WithBaseURL(os.Getenv("LABFORGE_URL")+"/api/v4"))
	must(err, "client")

	me, _, err := git.Users.CurrentUser()
	must(err, "current user")
	check(me.Username == "root", "current user is %q", me.Username)

	// go-gitlab sends "default_branch_protection": null when it is not set.
	group, _, err := git.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.String("Go " + sfx), Path: gitlab.String("go-" + sfx)})
	must(err, "create group")
	project, _, err := git.Projects.CreateProject(&gitlab.CreateProjectOptions{
		Name: gitlab.String("demo"), NamespaceID: gitlab.Int(group.ID), InitializeWithReadme: gitlab.Bool(true),
	})
	must(err, "create project")
	byPath, _, err := git.Projects.GetProject("go-"+sfx+"/demo", nil)
	must(err, "project by path")
	check(byPath.ID == project.ID, "project by path has id %d", byPath.ID)
	_, _, err = git.Projects.EditProject(project.ID, &gitlab.EditProjectOptions{
		MergeMethod: gitlab.MergeMethod(gitlab.FastForwardMerge), OnlyAllowMergeIfAllDiscussionsAreResolved: gitlab.Bool(true),
	})
	must(err, "edit project")

	_, _, err = git.Branches.CreateBranch(project.ID, &gitlab.CreateBranchOptions{Branch: gitlab.String("feature"), Ref: gitlab.String("main")})
	must(err, "create branch")
	_, _, err = git.RepositoryFiles.CreateFile(project.ID, "pkg/x.go", &gitlab.CreateFileOptions{
		Branch: gitlab.String("feature"), Content: gitlab.String("package x\n"), CommitMessage: gitlab.String("add x"),
	})
	must(err, "create file")
	raw, _, err := git.RepositoryFiles.GetRawFile(project.ID, "pkg/x.go", &gitlab.GetRawFileOptions{Ref: gitlab.String("feature")})
	must(err, "raw file")
	check(string(raw) == "package x\n", "raw file is %q", raw)

	labels := gitlab.Labels{"bug"}
	issue, _, err := git.Issues.CreateIssue(project.ID, &gitlab.CreateIssueOptions{Title: gitlab.String("broken"), Labels: &labels})
	must(err, "create issue")
	issues, resp, err := git.Issues.ListProjectIssues(project.ID, &gitlab.ListProjectIssuesOptions{Labels: &labels, State: gitlab.String("opened")})
	must(err, "list issues")
	check(len(issues) == 1 && resp.TotalItems == 1, "issues by label: %d, x-total %d", len(issues), resp.TotalItems)

	mr, _, err := git.MergeRequests.CreateMergeRequest(project.ID, &gitlab.CreateMergeRequestOptions{
		Title: gitlab.String("Feature"), SourceBranch: gitlab.String("feature"), TargetBranch: gitlab.String("main"),
		Description: gitlab.String(fmt.Sprintf("Closes #%d", issue.IID)),
	})
	must(err, "create merge request")
	mr, _, err = git.MergeRequests.GetMergeRequest(project.ID, mr.IID, nil)
	must(err, "get merge request")
	check(mr.MergeStatus == "can_be_merged" && mr.ChangesCount == "1", "merge status %q, changes %q", mr.MergeStatus, mr.ChangesCount)
	approvals, _, err := git.MergeRequestApprovals.ApproveMergeRequest(project.ID, mr.IID, nil)
	must(err, "approve")
	check(approvals.IID == mr.IID && len(approvals.ApprovedBy) == 1, "approve answer for iid %d", approvals.IID)

	// A diff note (go-gitlab sends "line_range": null) blocks the merge until it is resolved.
	thread, _, err := git.Discussions.CreateMergeRequestDiscussion(project.ID, mr.IID, &gitlab.CreateMergeRequestDiscussionOptions{
		Body: gitlab.String("why?"),
		Position: &gitlab.NotePosition{
			BaseSHA: mr.DiffRefs.BaseSha, StartSHA: mr.DiffRefs.StartSha, HeadSHA: mr.DiffRefs.HeadSha,
			PositionType: "text", NewPath: "pkg/x.go", NewLine: 1,
		},
	})
	must(err, "diff discussion")
	_, resp, err = git.MergeRequests.AcceptMergeRequest(project.ID, mr.IID, nil)
	check(err != nil && resp != nil && resp.StatusCode == 405, "merge with an open thread: %v", err)
	_, _, err = git.Discussions.ResolveMergeRequestDiscussion(project.ID, mr.IID, thread.ID,
		&gitlab.ResolveMergeRequestDiscussionOptions{Resolved: gitlab.Bool(true)})
	must(err, "resolve thread")
	merged, _, err := git.MergeRequests.AcceptMergeRequest(project.ID, mr.IID, &gitlab.AcceptMergeRequestOptions{ShouldRemoveSourceBranch: gitlab.Bool(true)})
	must(err, "merge")
	check(merged.State == "merged", "state after merge %q", merged.State)
	closed, _, err := git.Issues.GetIssue(project.ID, issue.IID)
	must(err, "get issue")
	check(closed.State == "closed", "issue state after merge %q", closed.State)

	// root owns the group: a lower direct membership is GitLab's 400.
	_, resp, err = git.ProjectMembers.AddProjectMember(project.ID, &gitlab.AddProjectMemberOptions{UserID: me.ID, AccessLevel: gitlab.AccessLevel(gitlab.DeveloperPermissions)})
	check(err != nil && resp != nil && resp.StatusCode == 400, "member below inherited: %v", err)
	token, _, err := git.ProjectAccessTokens.CreateProjectAccessToken(project.ID, &gitlab.CreateProjectAccessTokenOptions{Name: gitlab.String("bot"), Scopes: &[]string{"api"}})
	must(err, "project access token")
	check(token.Token != "", "no token returned")

	commits, _, err := git.Commits.ListCommits(project.ID, &gitlab.ListCommitsOptions{RefName: gitlab.String("main")})
	must(err, "commits")
	check(len(commits) == 2, "fast-forward history has %d commits", len(commits))
	_, err = git.Projects.DeleteProject(project.ID)
	must(err, "delete project")
	_, err = git.Groups.DeleteGroup(group.ID, nil)
	must(err, "delete group")
	fmt.Println("go-gitlab ok")
}
