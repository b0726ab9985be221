# SPDX-License-Identifier: GPL-2.0-only
#
# sysrec: one Makefile, objects out of tree in .output/.
#
#   make            build ./sysrec
#   make deps       install the Debian packages sysrec needs (root)
#   make demo       deps, build, record the bundled demo workload, print --top-io
#   make check      deps, build (plain and ASan/UBSan), run every test
#   make test       build and run every test (no deps step)
#   make bench      build and run the benchmarks (tests/bench/)
#   make fuzz       build the libFuzzer targets (clang)
#   make install    PREFIX=/usr/local DESTDIR=
#   V=1             show full commands
#   VMLINUX_BTF=    BTF to generate vmlinux.h from (default: the running kernel's)
#   VMLINUX_H=      use this vmlinux.h instead of generating one

OUTPUT		?= .output
BIN		?= sysrec
PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
MANDIR		?= $(PREFIX)/share/man

CC		?= cc
CLANG		?= clang
BPFTOOL		?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
VMLINUX_BTF	?= /sys/kernel/btf/vmlinux
ARCH		:= $(shell uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/')

WARN		:= -Wall -Wextra -Werror
CFLAGS		?= -O2 -g
CPPFLAGS	+= -Iinclude -I$(OUTPUT) -D_GNU_SOURCE
DEPFLAGS	= -MMD -MP
LDLIBS		+= -lbpf -lelf -lz -lzstd -lsqlite3 -lpthread -lm
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
.PHONY: all deps demo check test bench fuzz install clean asan tools

# --- sources ---
# libsysrec.a: everything that reads traces and needs no BPF (unit tests, tools)
LIB_SRCS	:= $(wildcard format/*.c analyze/*.c)
LIB_OBJS	:= $(patsubst %.c,$(OUTPUT)/%.o,$(LIB_SRCS))
ASAN_OBJS	:= $(patsubst %.c,$(OUTPUT)/asan/%.o,$(LIB_SRCS))
REC_SRCS	:= $(wildcard record/*.c)
REC_OBJS	:= $(patsubst %.c,$(OUTPUT)/%.o,$(REC_SRCS))
ASAN_REC_OBJS	:= $(patsubst %.c,$(OUTPUT)/asan/%.o,$(REC_SRCS))
BPF_SRCS	:= $(wildcard bpf/*.bpf.c)
SKELS		:= $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))
UNIT_SRCS	:= $(wildcard tests/unit/test_*.c)
UNIT_BINS	:= $(patsubst tests/unit/%.c,$(OUTPUT)/asan/tests/%,$(UNIT_SRCS))
TOOL_SRCS	:= $(wildcard tests/tools/*.c)
TOOL_BINS	:= $(patsubst tests/tools/%.c,$(OUTPUT)/tools/%,$(TOOL_SRCS))
WORK_SRCS	:= $(wildcard tests/workloads/*.c)
WORK_BINS	:= $(patsubst tests/workloads/%.c,$(OUTPUT)/workloads/%,$(WORK_SRCS))
FUZZ_SRCS	:= $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAY	:= $(patsubst tests/fuzz/%.c,$(OUTPUT)/asan/tests/%_replay,$(FUZZ_SRCS))
FUZZ_BINS	:= $(patsubst tests/fuzz/%.c,$(OUTPUT)/fuzz/%,$(FUZZ_SRCS))

all: $(BIN)

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

# --- user space ---
$(REC_OBJS) $(ASAN_REC_OBJS): | $(SKELS)

$(OUTPUT)/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(DEPFLAGS) -c $< -o $@

$(OUTPUT)/asan/%.o: %.c
	$(call msg,CC-ASAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -O1 -g $(SAN) $(WARN) $(DEPFLAGS) -c $< -o $@

$(OUTPUT)/libsysrec.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUTPUT)/asan/libsysrec.a: $(ASAN_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(OUTPUT)/sysrec.o $(REC_OBJS) $(OUTPUT)/libsysrec.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/asan/sysrec: $(OUTPUT)/asan/sysrec.o $(ASAN_REC_OBJS) $(OUTPUT)/asan/libsysrec.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(SAN) $^ $(LDLIBS) -o $@

$(OUTPUT)/asan/tests/%: tests/unit/%.c $(OUTPUT)/asan/libsysrec.a
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -Itests -Irecord -O1 -g $(SAN) $(WARN) $< $(OUTPUT)/asan/libsysrec.a $(LDLIBS) -o $@

$(OUTPUT)/asan/tests/%_replay: tests/fuzz/%.c tests/fuzz/replay.c $(OUTPUT)/asan/libsysrec.a
	$(call msg,FUZZ-RP,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -O1 -g $(SAN) $(WARN) $< tests/fuzz/replay.c $(OUTPUT)/asan/libsysrec.a $(LDLIBS) -o $@

$(OUTPUT)/fuzz/%: tests/fuzz/%.c $(LIB_SRCS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(CPPFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined $(WARN) \
		-Wno-unused-command-line-argument $< $(LIB_SRCS) $(LDLIBS) -o $@

$(OUTPUT)/tools/%: tests/tools/%.c $(OUTPUT)/libsysrec.a
	$(call msg,TOOL,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $< $(OUTPUT)/libsysrec.a $(LDLIBS) -o $@

$(OUTPUT)/workloads/%: tests/workloads/%.c
	$(call msg,WORK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -Iinclude -D_GNU_SOURCE -O2 -g -static $(WARN) $< -o $@

$(OUTPUT):
	$(Q)mkdir -p $@

asan: $(OUTPUT)/asan/sysrec $(UNIT_BINS) $(FUZZ_REPLAY)
tools: $(TOOL_BINS) $(WORK_BINS)

# --- the two commands of the README ---
deps:
	./tests/deps.sh

demo: deps
	$(MAKE) $(BIN) tools
	OUTPUT=$(OUTPUT) SYSREC=$(abspath $(BIN)) ./tests/demo.sh

check: deps
	$(MAKE) test

test: $(BIN) asan tools
	OUTPUT=$(OUTPUT) SYSREC=$(abspath $(BIN)) ./tests/run.sh

bench: $(BIN) tools
	OUTPUT=$(OUTPUT) SYSREC=$(abspath $(BIN)) ./tests/bench/run.sh

fuzz: $(FUZZ_BINS)

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/sysrec
	install -m 0644 docs/sysrec.1 $(DESTDIR)$(MANDIR)/man1/sysrec.1

clean:
	rm -rf $(OUTPUT) $(BIN)

-include $(shell find $(OUTPUT) -name '*.d' 2>/dev/null)
