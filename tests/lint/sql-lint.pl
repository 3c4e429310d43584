#!/usr/bin/perl
# sql-lint.pl - proves that no SQL text in Yinhui is built from input.
#
#   tests/lint/sql-lint.pl SRCDIR            lint every .c and .h file under SRCDIR; exit 1 on a finding
#   tests/lint/sql-lint.pl --self-test DIR   DIR holds bad_*.c (each must be flagged) and good_*.c
#                                            (none may be), so the lint itself is known to bite
#
# The rules, checked on every .c and .h file with comments removed:
#  1. libpq is called only in src/db/: no PQexec, PQexecParams, PQprepare, PQexecPrepared,
#     PQsendQuery*, PQescape* and no #include <libpq-fe.h> anywhere else.
#  2. The SQL argument of every yh_db_exec / yh_db_query / yh_db_query_text / yh_db_copy_in /
#     yh_db_exec_script call (and of every wrapper that passes its own parameter on as that
#     argument, found transitively, e.g. yh_case_call) is a constant:
#       - a string literal (adjacent literals and macros between them are fine),
#       - an identifier declared "static const char NAME[]" or "#define NAME" in the file,
#       - a struct member (tbl[i].sql, k->query) that no code assigns, when every object of that struct
#         type, in any file, is a const definition whose initializer holds such a constant there,
#       - a local variable (or ternary) whose every assignment is one of these,
#       - a file-level "static char *NAME" written only inside a "static void f(void)" that the file
#         runs through pthread_once (the PATCH builders over yh_sql_assignments: a builder
#         without parameters cannot see a request), or
#       - the migration runner's file text (src/db/migrate.c, list[..].sql from migrations/).
#  3. A snprintf/sprintf/vsnprintf/strcat/strcpy whose format holds SQL keywords appears only in such
#     a once-builder or in the allow-listed static-spec builder yh_sql_assignments (src/core/fields.c,
#     column names from static yh_field_spec tables).
use strict;
use warnings;
use File::Find;

my @DB_FNS = (
	[ 'yh_db_exec', 1 ], [ 'yh_db_query', 2 ], [ 'yh_db_query_text', 2 ],
	[ 'yh_db_copy_in', 1 ], [ 'yh_db_exec_script', 1 ],
);
my %ALLOW_FORMAT = ('fields.c:yh_sql_assignments' => 1);
my %ALLOW_SQL = ('migrate.c:yh_migrate_apply' => qr/^\w+\[[^\]]+\]\.sql$/);
my $SQL_WORDS = qr/\b(?:SELECT\b.*\bFROM|INSERT\s+INTO|UPDATE\s+[\w.]+(?:\s+AS\s+\w+)?\s+SET|DELETE\s+FROM|WHERE|VALUES\s*\(|CASE\s+WHEN|TRUNCATE|GRANT\s+\w+|(?:CREATE|DROP|ALTER)\s+(?:TABLE|INDEX|ROLE|USER|DATABASE|SCHEMA|FUNCTION|VIEW|TRIGGER|SYSTEM\s+SET))\b/s;

my @findings;

sub finding { push @findings, sprintf('%s:%d: %s', @_); }

# Source with comments blanked and string literals replaced by "\x01N\x01" (contents kept in @$strs).
sub prepare {
	my ($text, $strs) = @_;
	my $out = '';
	my $i = 0;
	my $n = length $text;
	while ($i < $n) {
		my $c = substr($text, $i, 1);
		my $two = substr($text, $i, 2);
		if ($two eq '/*') {
			my $end = index($text, '*/', $i + 2);
			$end = $n - 2 if $end < 0;
			my $chunk = substr($text, $i, $end + 2 - $i);
			$chunk =~ s/[^\n]/ /g;
			$out .= $chunk;
			$i = $end + 2;
		} elsif ($two eq '//') {
			my $end = index($text, "\n", $i);
			$end = $n if $end < 0;
			$out .= ' ' x ($end - $i);
			$i = $end;
		} elsif ($c eq '"' || $c eq "'") {
			my $j = $i + 1;
			while ($j < $n && substr($text, $j, 1) ne $c) {
				$j++ if substr($text, $j, 1) eq '\\';
				$j++;
			}
			my $body = substr($text, $i + 1, $j - $i - 1);
			if ($c eq '"') {
				push @$strs, $body;
				$out .= "\"\x01" . $#$strs . "\x01\"";
			} else {
				$out .= "'c'";
			}
			my $nl = ($body =~ tr/\n//);
			$out .= "\n" x $nl;
			$i = $j + 1;
		} else {
			$out .= $c;
			$i++;
		}
	}
	return $out;
}

sub line_of { my ($src, $pos) = @_; return 1 + (substr($src, 0, $pos) =~ tr/\n//); }

# Top-level function definitions: name, params text, body start/end offsets.
sub functions {
	my ($src) = @_;
	my @fns;
	my ($depth, $last) = (0, 0);
	for (my $i = 0; $i < length $src; $i++) {
		my $c = substr($src, $i, 1);
		if ($c eq '{') {
			if ($depth == 0) {
				my $head = substr($src, $last, $i - $last);
				if ($head =~ /(\w+)\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*$/s && $head !~ /=\s*$/ && $head !~ /=/) {
					push @fns, { name => $1, params => $2, start => $i, head => $head };
				}
			}
			$depth++;
		} elsif ($c eq '}') {
			$depth--;
			if ($depth == 0) {
				$fns[-1]{end} = $i if @fns && !defined $fns[-1]{end};
				$last = $i + 1;
			}
		} elsif ($c eq ';' && $depth == 0) {
			$last = $i + 1;
		}
	}
	return grep { defined $_->{end} } @fns;
}

sub fn_at {
	my ($fns, $pos) = @_;
	for my $f (@$fns) { return $f if $pos > $f->{start} && $pos < $f->{end}; }
	return undef;
}

# Splits the argument list that starts after the '(' at $pos; returns (args, end offset).
sub call_args {
	my ($src, $pos) = @_;
	my ($depth, $cur, @args) = (0, '');
	for (my $i = $pos; $i < length $src; $i++) {
		my $c = substr($src, $i, 1);
		if ($c eq '(' || $c eq '[' || $c eq '{') { $depth++; }
		elsif ($c eq ')' || $c eq ']' || $c eq '}') {
			if ($depth == 0) { push @args, $cur; return (\@args, $i); }
			$depth--;
		} elsif ($c eq ',' && $depth == 0) { push @args, $cur; $cur = ''; next; }
		$cur .= $c;
	}
	return (\@args, length $src);
}

sub trim { my $s = shift; $s =~ s/^\s+|\s+$//g; $s =~ s/\s+/ /g; return $s; }

# Top-level split of "c ? a : b" into (a, b); undef when not a ternary.
sub ternary {
	my ($e) = @_;
	my ($depth, $q) = (0, -1);
	for (my $i = 0; $i < length $e; $i++) {
		my $c = substr($e, $i, 1);
		$depth++ if $c =~ /[(\[]/;
		$depth-- if $c =~ /[)\]]/;
		next if $depth;
		if ($c eq '?' && $q < 0) { $q = $i; }
		elsif ($c eq ':' && $q >= 0) { return (substr($e, $q + 1, $i - $q - 1), substr($e, $i + 1)); }
	}
	return;
}

my (%files, %wrappers, @FILES);

sub load {
	my ($path) = @_;
	open my $fh, '<', $path or die "$path: $!";
	local $/;
	my $text = <$fh>;
	close $fh;
	my @strs;
	my $src = prepare($text, \@strs);
	my %f = (path => $path, src => $src, strs => \@strs);
	$f{fns} = [ functions($src) ];
	($f{base} = $path) =~ s{.*/}{};
	for my $m ($src =~ /\bstatic\s+const\s+char\s+(?:\*\s*const\s+)?(\w+)\s*(?:\[\s*\])?\s*=/g) { $f{const}{$m} = 1; }
	for my $m ($src =~ /^\s*#\s*define\s+(\w+)/mg) { $f{const}{$m} = 1; }
	for my $m ($src =~ /^static\s+char\s*\*\s*(\w+)\s*;/mg) { $f{lazy}{$m} = 1; }
	for my $m ($src =~ /pthread_once\s*\(\s*[^,]+,\s*(\w+)\s*\)/g) { $f{once}{$m} = 1; }
	return \%f;
}

# A once-builder: "static void name(void)" run through pthread_once in this file.
sub is_once_builder {
	my ($f, $fn) = @_;
	return $fn && $f->{once}{ $fn->{name} } && trim($fn->{params}) eq 'void' && $fn->{head} =~ /\bstatic\s+void\s+\w+\s*\(/;
}

# A lazily built global is acceptable when every write to it sits in a once-builder.
sub lazy_ok {
	my ($f, $name) = @_;
	return 0 unless $f->{lazy}{$name};
	my $src = $f->{src};
	while ($src =~ /(?:\b\Q$name\E\s*=[^=]|\b(?:s?n?printf|strcpy|strcat|memcpy|vsnprintf)\s*\(\s*\Q$name\E\b)/g) {
		my $fn = fn_at($f->{fns}, pos($src));
		return 0 unless is_once_builder($f, $fn);
	}
	return 1;
}

# The cell of member $field (position $idx, or a ".field = x" designator) of one initializer row.
sub init_cell {
	my ($row, $idx, $field) = @_;
	my $r = trim($row);
	$r =~ s/^\{|\}$//g;
	my ($cells) = call_args($r . ')', 0);
	for my $c (@$cells) {
		return trim($1) if trim($c) =~ /^\.\s*\Q$field\E\s*=\s*(.*)$/s;
	}
	return trim($cells->[$idx] // '');
}

# The struct type of the base of a member access (fig in fig->sql, figures in
# figures[i].sql): from the function's parameters, its body, then the file;
# "anon:NAME" for a table of an unnamed struct type.
sub base_type {
	my ($f, $fn, $base) = @_;
	my @scopes = $fn ? ($fn->{params}, substr($f->{src}, $fn->{start}, $fn->{end} - $fn->{start})) : ();
	return "anon:$base" if $f->{src} =~ /struct\s*\{[^{}]*\}\s*\Q$base\E\s*\[/;
	for my $text (@scopes, $f->{src}) {
		while ($text =~ /(?:^|[;,({}\s])(?:static\s+)?(?:const\s+)?(?:struct\s+)?(\w+)\s+(?:const\s+)?\*?\s*(?:const\s+)?\Q$base\E\s*(?:\[[^\]]*\])?\s*[=;,)]/g) {
			return $1 unless $1 =~ /^(?:return|else|static|const|struct|case|goto|sizeof)$/;
		}
	}
	return undef;
}

# A struct member (figures[i].sql, fig->sql, k->query) is constant when no code
# assigns that member in a file that uses the type, and every object of the
# type, in any file, is a const definition whose initializer holds a constant
# (or NULL) in its place.
sub table_field_ok {
	my ($f, $fn, $base, $field) = @_;
	my $type = base_type($f, $fn, $base);
	return 0 unless defined $type;
	if ($type =~ /^anon:(.*)/) {
		my $name = $1;
		return 0 if $f->{src} =~ /\b\Q$name\E\s*\[[^\]]*\]\s*\.\s*\Q$field\E\s*=[^=]/;
		return 0 unless $f->{src} =~ /const\s+struct\s*\{([^{}]*)\}\s*\Q$name\E\s*\[\s*\]\s*=\s*\{/g;
		my ($members, $start) = ($1, pos($f->{src}));
		pos($f->{src}) = undef;
		my @m = map { trim($_) } grep { /\S/ } split /;/, $members;
		my ($idx) = grep { $m[$_] =~ /\b\Q$field\E\s*$/ } 0 .. $#m;
		return 0 unless defined $idx;
		my ($rows) = call_args($f->{src}, $start);
		for my $row (@$rows) {
			next if trim($row) eq '';
			my $cell = init_cell($row, $idx, $field);
			return 0 unless $cell eq '' || $cell eq 'NULL' || const_leaf($f, $cell);
		}
		return 1;
	}
	my ($idx, $objects);
	for my $g (@FILES) {
		my $structs = $g->{src};  # a copy: its own match position
		while ($structs =~ /struct\s*(\w*)\s*\{([^{}]*)\}\s*(\w*)\s*;/g) {
			next unless $1 eq $type || $3 eq $type;
			my @m = map { trim($_) } grep { /\S/ } split /;/, $2;
			($idx) = grep { $m[$_] =~ /\b\Q$field\E\s*$/ } 0 .. $#m;
		}
	}
	return 0 unless defined $idx;
	for my $h (@FILES) {
		next unless $h->{src} =~ /\b\Q$type\E\b/;
		# written at run time (not a designator: those follow "{" or ",")
		return 0 if $h->{src} =~ /[\w\])]\s*(?:\.|->)\s*\Q$field\E\s*=[^=]/;
		my $t = $h->{src};
		while ($t =~ /(\bconst\s+)?(?:struct\s+)?\b\Q$type\E\s+(const\s+)?\w+\s*(\[\s*\w*\s*\])?\s*=\s*\{/g) {
			return 0 unless $1 || $2;  # a writable object of the type
			my ($cells) = call_args($h->{src}, pos($t));
			$objects++;
			for my $row (defined $3 ? @$cells : ('{' . join(',', @$cells) . '}')) {
				next if trim($row) eq '';
				my $cell = init_cell($row, $idx, $field);
				return 0 unless $cell eq '' || $cell eq 'NULL' || const_leaf($h, $cell);
			}
		}
	}
	return $objects ? 1 : 0;
}

sub const_leaf {
	my ($f, $e) = @_;
	$e = trim($e);
	$e =~ s/^\((.*)\)$/$1/s;
	# adjacent literals and macros: "..." NAME "..."
	if ($e =~ /^(?:"\x01\d+\x01"|\w+)(?:\s+(?:"\x01\d+\x01"|\w+))*$/ && $e =~ /"/) {
		for my $w ($e =~ /\b([A-Za-z_]\w*)\b/g) { return 0 unless $f->{const}{$w}; }
		return 1;
	}
	return 1 if $e =~ /^\w+$/ && $f->{const}{$e};
	return 0;
}

# Is expression e (the SQL argument inside function fn of file f) a constant? Records wrappers.
sub sql_ok {
	my ($f, $fn, $e, $depth) = @_;
	$e = trim($e);
	$e =~ s/^\(\s*const\s+char\s*\*\s*\)\s*//;
	return 0 if $depth > 6;
	if (my ($a, $b) = ternary($e)) {
		return sql_ok($f, $fn, $a, $depth + 1) && sql_ok($f, $fn, $b, $depth + 1);
	}
	return 1 if const_leaf($f, $e);
	return 1 if $e =~ /^\w+$/ && lazy_ok($f, $e);
	if ($e =~ /^(\w+)(?:\[[^\]]*\])?\s*(?:\.|->)\s*(\w+)$/) {
		return 1 if table_field_ok($f, $fn, $1, $2);
	}
	if ($e =~ /^(\w+)\s*\[[^\]]*\]$/) {
		return 1 if $f->{src} =~ /static\s+const\s+char\s*\*\s*const\s+\Q$1\E\s*\[/;
	}
	my $key = "$f->{base}:" . ($fn ? $fn->{name} : '');
	return 1 if $ALLOW_SQL{$key} && $e =~ $ALLOW_SQL{$key};
	return 0 unless $fn && $e =~ /^\w+$/;
	# a parameter: this function is a wrapper; its callers are checked instead
	my @params = map { trim($_) } split /,/, $fn->{params};
	for my $i (0 .. $#params) {
		if ($params[$i] =~ /\bconst\s+char\s*\*\s*\Q$e\E$/) {
			$wrappers{ $fn->{name} } //= $i;
			return 1;
		}
	}
	# a local variable: every value it is given must be a constant
	my $body = substr($f->{src}, $fn->{start}, $fn->{end} - $fn->{start});
	my @rhs;
	while ($body =~ /\b\Q$e\E\s*=(?!=)\s*([^;]+);/g) { push @rhs, $1; }
	return 0 unless @rhs;
	for my $r (@rhs) { return 0 unless sql_ok($f, $fn, $r, $depth + 1); }
	return 1;
}

sub check_calls {
	my ($f, $name, $argi) = @_;
	my $src = $f->{src};
	while ($src =~ /\b\Q$name\E\s*\(/g) {
		my $at = pos($src);
		my $fn = fn_at($f->{fns}, $at);
		next unless $fn;  # the prototype or definition itself
		my ($args) = call_args($src, $at);
		my $e = $args->[$argi] // '';
		next if sql_ok($f, $fn, $e, 0);
		finding($f->{path}, line_of($src, $at), "SQL argument of $name() is not a constant: " . trim($e));
	}
}

sub check_file_rules {
	my ($f) = @_;
	my $src = $f->{src};
	my $in_db = $f->{path} =~ m{(^|/)db/[^/]+\.c$};
	unless ($in_db) {
		while ($src =~ /\b(PQexec\w*|PQprepare|PQsendQuery\w*|PQsendPrepare|PQescape\w*)\s*\(/g) {
			finding($f->{path}, line_of($src, pos($src)), "libpq call $1() outside src/db/");
		}
		if ($src =~ /#\s*include\s*<libpq-fe\.h>/) {
			finding($f->{path}, line_of($src, $-[0]), "includes <libpq-fe.h> outside src/db/");
		}
	}
	while ($src =~ /\b(v?s?n?printf|strcat|strcpy|strncat|asprintf)\s*\(/g) {
		my ($call, $at) = ($1, pos($src));
		next if $call eq 'printf';
		my ($args) = call_args($src, $at);
		my $fmt = join ' ', map { my @s = /\x01(\d+)\x01/g; map { $f->{strs}[$_] } @s } @$args;
		next unless $fmt =~ $SQL_WORDS;
		my $fn = fn_at($f->{fns}, $at);
		next if $fn && is_once_builder($f, $fn);
		next if $fn && $ALLOW_FORMAT{"$f->{base}:$fn->{name}"};
		finding($f->{path}, line_of($src, $at), "$call() formats SQL text outside a once-built static-spec builder");
	}
}

sub lint {
	my @paths = @_;
	my @f = map { load($_) } @paths;
	@FILES = @f;
	check_file_rules($_) for @f;
	my %done;
	my @queue = map { [ $_->[0], $_->[1] ] } @DB_FNS;
	while (my $c = shift @queue) {
		next if $done{ $c->[0] }++;
		check_calls($_, $c->[0], $c->[1]) for @f;
		for my $w (keys %wrappers) { push @queue, [ $w, $wrappers{$w} ] unless $done{$w}; }
	}
	# a wrapper whose address is taken has callers this lint cannot see
	for my $w (sort keys %wrappers) {
		for my $f (@f) {
			my $src = $f->{src};
			while ($src =~ /\b\Q$w\E\b(?!\s*\()/g) {
				finding($f->{path}, line_of($src, pos($src)), "SQL wrapper $w() used as a function pointer");
			}
		}
	}
	return scalar @findings;
}

sub c_files {
	my ($dir) = @_;
	my @out;
	find({ wanted => sub { push @out, $File::Find::name if /\.[ch]$/ && -f $_; }, no_chdir => 1 }, $dir);
	return sort @out;
}

if (@ARGV == 2 && $ARGV[0] eq '--self-test') {
	my $dir = $ARGV[1];
	my $bad = 0;
	for my $file (c_files($dir)) {
		@findings = ();
		%wrappers = ();
		my $n = lint($file);
		if ($file =~ m{/bad_[^/]*$} && $n == 0) { print "self-test: $file was not flagged\n"; $bad++; }
		if ($file =~ m{/good_[^/]*$} && $n > 0) { print "self-test: $file flagged:\n  ", join("\n  ", @findings), "\n"; $bad++; }
		if ($file =~ m{/bad_[^/]*$}) { print "self-test: $file: $n finding(s), as expected\n" if $n; }
	}
	print $bad ? "sql-lint self-test FAILED\n" : "sql-lint self-test passed\n";
	exit($bad ? 1 : 0);
}

die "usage: $0 SRCDIR | --self-test DIR\n" unless @ARGV == 1 && -d $ARGV[0];
my @files = c_files($ARGV[0]);
my $n = lint(@files);
print "$_\n" for @findings;
my $calls = 0;
for my $file (@files) {
	open my $fh, '<', $file or next;
	local $/;
	my $t = <$fh>;
	$calls += () = $t =~ /\byh_db_(?:exec|query|query_text|copy_in|exec_script)\s*\(/g;
}
printf "sql-lint: %d files (.c and .h), %d yh_db_* call sites, %d wrapper(s) [%s]: %s\n", scalar @files, $calls,
	scalar keys %wrappers, join(', ', sort keys %wrappers), $n ? "$n finding(s)" : 'no SQL built from input';
exit($n ? 1 : 0);
