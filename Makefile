# SPDX-License-Identifier: GPL-2.0-only
#
# sysrec: one Makefile, objects out of tree in .output/.
#
#   make            build ./sysrec
#   make NO_BPF=1   build ./sysrec without the recorder (analyze, info, dump):
#                   needs only a C compiler, make, zstd and sqlite3; objects
#                   in .output-nobpf/ (docs/BUILDING.md)
#   make static     ./sysrec-static: that analyzer linked statically (glibc)
#   make arm64      ./sysrec-arm64: the same for aarch64, cross-compiled
#   make deps       install the Debian packages sysrec needs (root; with
#                   NO_BPF=1 only the analyzer's)
#   make demo       deps, build, record the bundled demo workload, print --top-io,
#                   write its HTML report demo.html
#   make check      deps, build (plain and ASan/UBSan), run every test
#   make test       build and run every test (no deps step; with NO_BPF=1
#                   the analyzer's: unit, fuzz replays, CLI)
#   make bench      build and run the benchmarks (tests/bench/)
#   make fuzz       build the libFuzzer targets (clang)
#   make install    PREFIX=/usr/local DESTDIR=
#   V=1             show full commands
#   VMLINUX_BTF=    BTF to generate vmlinux.h from (default: the running kernel's)
#   VMLINUX_H=      use this vmlinux.h instead of generating one
#   CROSS_COMPILE=  a cross toolchain's prefix (aarch64-linux-gnu-): implies NO_BPF
#   OUTPUT=         where the objects go; each variant needs its own
#   NO_HTML=1       build without sysrec report's chart library (no npm needed)
#   ASSET_CACHE=    where npm's uPlot tarball is kept (.cache; docs/BUILDING.md)

# The variant: the whole of sysrec, or the analyzer alone (NO_BPF=1),
# which is what a cross build makes.  Each variant has its own OUTPUT.
ifneq ($(CROSS_COMPILE),)
override NO_BPF	:= 1
CROSS_ARCH	:= $(firstword $(subst -, ,$(CROSS_COMPILE)))
CC		= $(CROSS_COMPILE)gcc
AR		= $(CROSS_COMPILE)ar
endif
ifeq ($(NO_BPF),1)
OUTPUT		?= .output-nobpf$(if $(CROSS_ARCH),-$(CROSS_ARCH))
VARIANT		:= nobpf$(if $(CROSS_ARCH), $(CROSS_COMPILE))
WITH_BPF	:=
else
OUTPUT		?= .output
VARIANT		:= full
WITH_BPF	:= 1
endif
BIN		?= sysrec
STATIC_BIN	?= sysrec-static$(if $(CROSS_ARCH),-$(CROSS_ARCH))
PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
MANDIR		?= $(PREFIX)/share/man

CLANG		?= clang
BPFTOOL		?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
VMLINUX_BTF	?= /sys/kernel/btf/vmlinux
ARCH		:= $(shell uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/')

WARN		:= -Wall -Wextra -Werror
CFLAGS		?= -O2 -g
CPPFLAGS	+= -Iinclude -I$(OUTPUT) -D_GNU_SOURCE
DEPFLAGS	= -MMD -MP
SAN		:= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.SUFFIXES:
.PHONY: all deps demo check test bench fuzz install clean asan tools static arm64 FORCE

# An OUTPUT holds one variant's objects, as its file "variant" says: a
# build of another variant there stops here instead of mixing them.
built_variant	:= $(if $(filter clean,$(MAKECMDGOALS)),,$(shell cat $(OUTPUT)/variant 2>/dev/null))
ifneq ($(built_variant),)
ifneq ($(built_variant),$(VARIANT))
$(error $(OUTPUT) holds the objects of another build ($(built_variant)), not of this one ($(VARIANT)): pass another OUTPUT=)
endif
endif

# --- sources: one static library per part ---
# A part may use only the parts below it; the layer checks below make the
# build fail on any other call (docs/ARCHITECTURE.md, "Parts and layers"):
#   record (and the BPF skeleton) -> present, format      + libbpf, libelf, zlib, ncurses
#   analyze                       -> present, format      + sqlite3
#   present                       -> format
#   format                        -> libc, zstd, pthread, m
# The analyzer-only build (NO_BPF=1) leaves record out.
# A part's sources are its *.c, one level of subfolders included.
part_srcs	= $(sort $(wildcard $(1)/*.c $(1)/*/*.c))
FORMAT_SRCS	:= $(call part_srcs,format)
PRESENT_SRCS	:= $(call part_srcs,present)
ANALYZE_SRCS	:= $(call part_srcs,analyze)
REC_SRCS	:= $(call part_srcs,record)
REC_OBJS	:= $(patsubst %.c,$(OUTPUT)/%.o,$(REC_SRCS))
ASAN_REC_OBJS	:= $(patsubst %.c,$(OUTPUT)/asan/%.o,$(REC_SRCS))
PARTS		:= format present $(if $(WITH_BPF),record) analyze
# each part's library, then the libraries it may use
PART_LIBS_format	:= format
PART_LIBS_present	:= present format
PART_LIBS_record	:= record present format
PART_LIBS_analyze	:= analyze present format
# the system libraries each part may use
SYS_LIBS_format		:= -lzstd -lpthread -lm
SYS_LIBS_present	:= $(SYS_LIBS_format)
BPF_LIBS		:= -lbpf -lelf -lz
# sysrec top's screen (record/top_view.c): ncurses, in the full build only
CURSES_LIBS		:= -lncursesw -ltinfo
SYS_LIBS_record		:= $(BPF_LIBS) $(CURSES_LIBS) $(SYS_LIBS_format)
SYS_LIBS_analyze	:= -lsqlite3 $(SYS_LIBS_format)
# sysrec links them all; the unit tests and fuzz replays what reads traces
SYSREC_LIBS	:= $(if $(WITH_BPF),record) analyze present format
TEST_LIBS	:= analyze present format
LDLIBS		+= $(if $(WITH_BPF),$(BPF_LIBS) $(CURSES_LIBS)) $(SYS_LIBS_analyze)
libs_in		= $(foreach l,$(2),$(1)/lib$(l).a)
LAYER_CHECKS	:= $(patsubst %,$(OUTPUT)/layers/%,$(PARTS))
BPF_SRCS	:= $(wildcard bpf/*.bpf.c)
SKELS		:= $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))
UNIT_SRCS	:= $(wildcard tests/unit/test_*.c)
ifndef WITH_BPF
# the recorder's unit tests (they include record/'s sources) need libbpf
UNIT_SRCS	:= $(filter-out $(shell grep -l '\.\./record/' $(UNIT_SRCS)),$(UNIT_SRCS))
endif
UNIT_BINS	:= $(patsubst tests/unit/%.c,$(OUTPUT)/asan/tests/%,$(UNIT_SRCS))
TOOL_SRCS	:= $(wildcard tests/tools/*.c)
TOOL_BINS	:= $(patsubst tests/tools/%.c,$(OUTPUT)/tools/%,$(TOOL_SRCS))
WORK_SRCS	:= $(wildcard tests/workloads/*.c)
WORK_BINS	:= $(patsubst tests/workloads/%.c,$(OUTPUT)/workloads/%,$(WORK_SRCS))
FUZZ_SRCS	:= $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAY	:= $(patsubst tests/fuzz/%.c,$(OUTPUT)/asan/tests/%_replay,$(FUZZ_SRCS))
FUZZ_BINS	:= $(patsubst tests/fuzz/%.c,$(OUTPUT)/fuzz/%,$(FUZZ_SRCS))

all: $(BIN)

# --- ClickHouse (analyze/clickhouse*.c): libcurl where its header is found;
# a build without it (the static and cross builds) compiles the stub of
# clickhouse_http.c and says so (docs/BUILDING.md) ---
CH_CURL		:= $(shell $(CC) -E -include curl/curl.h -x c /dev/null >/dev/null 2>&1 && echo 1)
CH_LIBS		:= $(if $(CH_CURL),-lcurl)
SYS_LIBS_analyze += $(CH_LIBS)
CH_HTTP_OBJS	:= $(OUTPUT)/analyze/clickhouse_http.o $(OUTPUT)/asan/analyze/clickhouse_http.o
$(CH_HTTP_OBJS): CPPFLAGS += $(if $(CH_CURL),-DSR_HAVE_CURL)
# linked ahead of libanalyze.a into the static binary: the stub, no libcurl
$(OUTPUT)/analyze/clickhouse_http-nocurl.o: analyze/clickhouse_http.c | $(OUTPUT)/variant
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(DEPFLAGS) -c $< -o $@
# --- end of ClickHouse ---

ifdef WITH_BPF
# --- BPF: vmlinux.h, objects, skeletons ---
ifdef VMLINUX_H
$(OUTPUT)/vmlinux.h: $(VMLINUX_H) | $(OUTPUT)
	$(call msg,CP,$@)
	$(Q)cp $< $@
else
$(OUTPUT)/vmlinux.h: | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)test -r $(VMLINUX_BTF) || { echo "sysrec: no BTF at $(VMLINUX_BTF): set VMLINUX_BTF= or VMLINUX_H=" >&2; exit 1; }
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@
endif

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(OUTPUT)/vmlinux.h $(wildcard include/sysrec/*.h bpf/*.h) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) $(WARN) -Wno-unused-function -Wno-unused-parameter \
		-Iinclude -I$(OUTPUT) -c $< -o $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

# --- generated: the syscall table's facts for bpf/ (one self-contained block) ---
# bpf/gen_syscalls.c, a host program built on format/syscalls.c alone, writes
# sysrec_syscalls.h: SR_NR_<name>, argument places, ia32 twins.  The BPF
# objects include it, so they are rebuilt whenever the table changes.
$(OUTPUT)/gen_syscalls: bpf/gen_syscalls.c format/syscalls.c include/sysrec/format.h include/sysrec/event.h | $(OUTPUT)
	$(call msg,HOSTCC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) bpf/gen_syscalls.c format/syscalls.c -lpthread -o $@

$(OUTPUT)/sysrec_syscalls.h: $(OUTPUT)/gen_syscalls
	$(call msg,GEN,$@)
	$(Q)$(OUTPUT)/gen_syscalls > $@

$(patsubst bpf/%.bpf.c,$(OUTPUT)/%.bpf.o,$(wildcard bpf/*.bpf.c)): $(OUTPUT)/sysrec_syscalls.h
# --- end of the generated syscall header block ---

$(REC_OBJS) $(ASAN_REC_OBJS): | $(SKELS)
endif # WITH_BPF

# --- user space ---

$(OUTPUT)/%.o: %.c | $(OUTPUT)/variant
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(DEPFLAGS) -c $< -o $@

$(OUTPUT)/asan/%.o: %.c | $(OUTPUT)/variant
	$(call msg,CC-ASAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -O1 -g $(SAN) $(WARN) $(DEPFLAGS) -c $< -o $@

$(OUTPUT)/libformat.a: $(patsubst %.c,$(OUTPUT)/%.o,$(FORMAT_SRCS))
$(OUTPUT)/libpresent.a: $(patsubst %.c,$(OUTPUT)/%.o,$(PRESENT_SRCS))
$(OUTPUT)/librecord.a: $(REC_OBJS)
$(OUTPUT)/libanalyze.a: $(patsubst %.c,$(OUTPUT)/%.o,$(ANALYZE_SRCS))
$(OUTPUT)/asan/libformat.a: $(patsubst %.c,$(OUTPUT)/asan/%.o,$(FORMAT_SRCS))
$(OUTPUT)/asan/libpresent.a: $(patsubst %.c,$(OUTPUT)/asan/%.o,$(PRESENT_SRCS))
$(OUTPUT)/asan/librecord.a: $(ASAN_REC_OBJS)
$(OUTPUT)/asan/libanalyze.a: $(patsubst %.c,$(OUTPUT)/asan/%.o,$(ANALYZE_SRCS))

$(OUTPUT)/lib%.a:
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(OUTPUT)/asan/lib%.a:
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# Layer checks: each part's library linked whole, with only the libraries
# it may use, into a program that calls nothing: a call outside the
# allowed graph is an undefined reference and fails the build.
$(OUTPUT)/layers/stub.c: | $(OUTPUT)
	$(Q)mkdir -p $(@D)
	$(Q)echo 'int main(void) { return 0; }' > $@

.SECONDEXPANSION:
$(LAYER_CHECKS): $(OUTPUT)/layers/%: $(OUTPUT)/layers/stub.c $$(call libs_in,$(OUTPUT),$$(PART_LIBS_$$*))
	$(call msg,LAYER,$*)
	$(Q)$(CC) $(CFLAGS) $< -Wl,--whole-archive $(OUTPUT)/lib$*.a -Wl,--no-whole-archive \
		$(call libs_in,$(OUTPUT),$(filter-out $*,$(PART_LIBS_$*))) $(SYS_LIBS_$*) -o $@

ifndef WITH_BPF
# the dispatcher's record command says this build cannot record
$(OUTPUT)/sysrec.o $(OUTPUT)/asan/sysrec.o: CPPFLAGS += -DSR_NO_RECORD
endif

$(OUTPUT)/sysrec: $(OUTPUT)/sysrec.o $(call libs_in,$(OUTPUT),$(SYSREC_LIBS)) | $(LAYER_CHECKS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# ./sysrec is a copy of the variant built last: a newer one of the other
# variant is replaced all the same.
ifneq ($(abspath $(BIN)),$(abspath $(OUTPUT)/sysrec))
$(BIN): $(OUTPUT)/sysrec FORCE
	$(Q)cmp -s $< $@ || { cp $< $@.tmp && mv -f $@.tmp $@; }
endif

# The analyzer linked statically: glibc's static libc, libzstd.a and
# libsqlite3.a (Debian's -dev packages ship them); nothing that needs NSS,
# and SQLite's dlopen (its one link warning) is never reached
# (docs/BUILDING.md).  Always the analyzer alone.
ifndef WITH_BPF
static: $(STATIC_BIN)
else
static:
	$(Q)$(MAKE) --no-print-directory NO_BPF=1 static
endif

$(STATIC_BIN): $(OUTPUT)/sysrec.o $(OUTPUT)/analyze/clickhouse_http-nocurl.o $(call libs_in,$(OUTPUT),$(SYSREC_LIBS)) | $(LAYER_CHECKS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -static $(LDFLAGS) $^ $(filter-out $(CH_LIBS),$(LDLIBS)) -o $@

# the static analyzer for aarch64 (make deps installs the cross compiler and
# the arm64 -dev packages)
arm64:
	$(Q)$(MAKE) --no-print-directory CROSS_COMPILE=aarch64-linux-gnu- STATIC_BIN=sysrec-arm64 static

$(OUTPUT)/asan/sysrec: $(OUTPUT)/asan/sysrec.o $(call libs_in,$(OUTPUT)/asan,$(SYSREC_LIBS))
	$(call msg,LINK,$@)
	$(Q)$(CC) $(SAN) $^ $(LDLIBS) -o $@

$(OUTPUT)/asan/tests/%: tests/unit/%.c $(call libs_in,$(OUTPUT)/asan,$(TEST_LIBS))
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -Itests -Irecord -O1 -g $(SAN) $(WARN) $^ $(LDLIBS) -o $@

$(OUTPUT)/asan/tests/%_replay: tests/fuzz/%.c tests/fuzz/replay.c $(call libs_in,$(OUTPUT)/asan,$(TEST_LIBS))
	$(call msg,FUZZ-RP,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -O1 -g $(SAN) $(WARN) $^ $(LDLIBS) -o $@

# the fuzz targets drive the reader and the importer: format, present and analyze
$(OUTPUT)/fuzz/%: tests/fuzz/%.c $(FORMAT_SRCS) $(PRESENT_SRCS) $(ANALYZE_SRCS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(CPPFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined $(WARN) \
		-Wno-unused-command-line-argument $< $(FORMAT_SRCS) $(PRESENT_SRCS) $(ANALYZE_SRCS) \
		$(SYS_LIBS_analyze) -o $@

# the test tools write and read traces: format alone
$(OUTPUT)/tools/%: tests/tools/%.c $(OUTPUT)/libformat.a
	$(call msg,TOOL,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $^ $(SYS_LIBS_format) -o $@

$(OUTPUT)/workloads/%: tests/workloads/%.c
	$(call msg,WORK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -Iinclude -D_GNU_SOURCE -O2 -g -static $(WARN) $< -o $@

$(OUTPUT):
	$(Q)mkdir -p $@

$(OUTPUT)/variant:
	$(Q)mkdir -p $(@D)
	$(Q)echo '$(VARIANT)' > $@

# --- the HTML report's assets (sysrec report; docs/BUILDING.md) ---
# The chart library, uPlot, pinned to a version and the sha512 of its npm
# tarball (the registry's "integrity", in hex), is fetched once with
# `npm pack` into ASSET_CACHE, outside git and beside every OUTPUT, so the
# analyzer-only, static and arm64 builds reuse it without npm; a tarball
# already there is only checked.  assets/gen_assets, a host program, writes
# the files the binary embeds (uPlot's script, style and licence, the
# page's own report.js and report.css) as C arrays in html_assets.h.
# NO_HTML=1 builds without them: `sysrec report` then says it is not in the
# build (exit 2).
UPLOT_VERSION	:= 1.6.32
UPLOT_SHA512	:= 2883159c6ebccefbb95d751b0b82d010f9e1c0ec41b8bc96d401eda66e882935c89a46cb824332fa369b8cb8122cc6ac36e186cd09bf7a9ded3a4c93c6989023
ASSET_CACHE	?= .cache
NPM		?= npm
HOSTCC		?= cc
UPLOT_TGZ	:= $(ASSET_CACHE)/uplot-$(UPLOT_VERSION).tgz
UPLOT_DIR	:= $(ASSET_CACHE)/uplot-$(UPLOT_VERSION)
HTML_ASSETS	:= uplot_js=$(UPLOT_DIR)/dist/uPlot.iife.min.js \
		   uplot_css=$(UPLOT_DIR)/dist/uPlot.min.css \
		   uplot_license=$(UPLOT_DIR)/LICENSE \
		   page_js=analyze/html/report.js page_css=analyze/html/report.css
HTML_CFG	:= $(if $(filter 1,$(NO_HTML)),none,uplot-$(UPLOT_VERSION))

$(UPLOT_DIR)/.checked:
	$(call msg,FETCH,uplot@$(UPLOT_VERSION) into $(ASSET_CACHE))
	$(Q)mkdir -p $(ASSET_CACHE)
	$(Q)test -f $(UPLOT_TGZ) || $(NPM) pack --silent --pack-destination $(ASSET_CACHE) \
		uplot@$(UPLOT_VERSION) >/dev/null || { echo "sysrec: cannot fetch uplot@$(UPLOT_VERSION)" \
		"with npm (is npm installed and the registry reachable?): sysrec report embeds it;" \
		"copy the tarball to $(UPLOT_TGZ), or build with NO_HTML=1 (no sysrec report)" >&2; exit 1; }
	$(Q)echo "$(UPLOT_SHA512)  $(UPLOT_TGZ)" | sha512sum -c --status || { echo "sysrec:" \
		"$(UPLOT_TGZ) is not uplot@$(UPLOT_VERSION) as pinned (its sha512 differs):" \
		"remove it and build again" >&2; exit 1; }
	$(Q)rm -rf $(UPLOT_DIR) $(UPLOT_DIR).tmp && mkdir -p $(UPLOT_DIR).tmp && \
		tar -xzf $(UPLOT_TGZ) -C $(UPLOT_DIR).tmp --strip-components=1 package/LICENSE \
		package/package.json package/dist/uPlot.iife.min.js package/dist/uPlot.min.css && \
		mv $(UPLOT_DIR).tmp $(UPLOT_DIR) && touch $@

# rewritten only when NO_HTML changes, so that the header follows it
$(OUTPUT)/html_assets.cfg: FORCE | $(OUTPUT)
	$(Q)echo '$(HTML_CFG)' | cmp -s - $@ || echo '$(HTML_CFG)' > $@

$(OUTPUT)/gen_assets: assets/gen_assets.c | $(OUTPUT)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOSTCC) -O2 $(WARN) $< -o $@

$(OUTPUT)/html_assets.h: $(OUTPUT)/gen_assets $(OUTPUT)/html_assets.cfg \
		$(if $(filter 1,$(NO_HTML)),,$(UPLOT_DIR)/.checked analyze/html/report.js analyze/html/report.css)
	$(call msg,GEN,$@)
	$(Q){ $(OUTPUT)/gen_assets $(if $(filter 1,$(NO_HTML)),,$(HTML_ASSETS)) && \
		echo '#define SR_UPLOT_VERSION "$(UPLOT_VERSION)"'; } > $@

$(OUTPUT)/analyze/html/assets.o $(OUTPUT)/asan/analyze/html/assets.o: $(OUTPUT)/html_assets.h
$(FUZZ_BINS): $(OUTPUT)/html_assets.h
# --- end of the HTML report's assets block ---

asan: $(OUTPUT)/asan/sysrec $(UNIT_BINS) $(FUZZ_REPLAY)
tools: $(TOOL_BINS) $(WORK_BINS)

# --- the two commands of the README ---
deps:
	./tests/deps.sh $(if $(WITH_BPF),,--analyze)

demo: deps
	$(MAKE) $(BIN) tools
	OUTPUT=$(OUTPUT) SYSREC=$(abspath $(BIN)) ./tests/demo.sh

check: deps
	$(MAKE) test

ifdef WITH_BPF
test: $(BIN) asan tools
	OUTPUT=$(OUTPUT) SYSREC=$(abspath $(BIN)) ./tests/run.sh
else
# the analyzer alone: its unit tests, fuzz replays and CLI tests
test: $(BIN) asan tools
	for t in test_ fuzz_ cli/; do \
		OUTPUT=$(OUTPUT) SYSREC=$(abspath $(BIN)) ./tests/run.sh $$t || exit 1; \
	done
endif

bench: $(BIN) tools
	OUTPUT=$(OUTPUT) SYSREC=$(abspath $(BIN)) ./tests/bench/run.sh

fuzz: $(FUZZ_BINS)

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/sysrec
	install -m 0644 docs/sysrec.1 $(DESTDIR)$(MANDIR)/man1/sysrec.1
	install -D -m 0644 completions/sysrec.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/sysrec

# (and the builds of tests/build/, beside OUTPUT)
clean:
	rm -rf $(OUTPUT) $(OUTPUT)-test-nobpf $(OUTPUT)-test-arm64 $(BIN) $(STATIC_BIN)

-include $(shell find $(OUTPUT) -name '*.d' 2>/dev/null)
