# A developer's day through GitLab::API::v4 (Debian's libgitlab-api-v4-perl), against labforge.
# Run by test/clients/clients.test.ts with LABFORGE_URL and LABFORGE_TOKEN (root's token) set.
use strict;
use warnings;
use GitLab::API::v4;

my $api = GitLab::API::v4->new(url => "$ENV{LABFORGE_URL}/api/v4", private_token => $ENV{LABFORGE_TOKEN});
my $sfx = $ENV{LABFORGE_SUFFIX};
sub check { my ($ok, $what) = @_; die "failed: $what\n" unless $ok; }

check($api->current_user->{username} eq 'root', 'current user');
my $project = $api->create_project({ name => "pl$sfx", initialize_with_readme => 'true' });
my $id = $project->{id};
check($api->project("root/pl$sfx")->{id} == $id, 'project by path');
$api->create_branch($id, { branch => 'feature', ref => 'main' });
$api->create_file($id, 'a.txt', { branch => 'feature', content => "x\n", commit_message => 'add a' });
check($api->raw_file($id, 'a.txt', { ref => 'feature' }) eq "x\n", 'raw file');
my $issue = $api->create_issue($id, { title => 'perl issue', labels => 'a,b' });
check(scalar(@{ $api->issues($id, { labels => 'a' }) }) == 1, 'issues by label');
$api->edit_issue($id, $issue->{iid}, { state_event => 'close' });
check($api->issue($id, $issue->{iid})->{state} eq 'closed', 'issue closed');
my $mr = $api->create_merge_request($id, { source_branch => 'feature', target_branch => 'main', title => 'T' });
check($api->merge_request($id, $mr->{iid})->{detailed_merge_status} eq 'mergeable', 'mergeable');
check(scalar(@{ $api->merge_request_with_changes($id, $mr->{iid})->{changes} }) == 1, 'changes');
check($api->accept_merge_request($id, $mr->{iid}, { squash => 'true' })->{state} eq 'merged', 'merge');
my @all = @{ $api->paginator('commits', $id, { per_page => 1 })->all };
check(scalar(@all) == 3, 'paginator over commits: readme, file, merge commit; got ' . join(' | ', map { $_->{title} } @all));
$api->delete_project($id);
print "GitLab::API::v4 $GitLab::API::v4::VERSION ok\n";
