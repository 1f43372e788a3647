#ifndef MNL_CREADLINE_SHIM_H
#define MNL_CREADLINE_SHIM_H
// readline's headers need stdio's FILE declared first.
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

// Swift 6 treats every C global as unsafe shared state; these accessors give the REPL
// one audited place to touch readline's globals (always from the thread running readline).
static inline void mnl_rl_set_catch_signals(int on) { rl_catch_signals = on; }
static inline void mnl_rl_set_readline_name(const char *name) { rl_readline_name = name; }
static inline void mnl_rl_set_signal_event_hook(rl_hook_func_t *hook) { rl_signal_event_hook = hook; }
static inline void mnl_rl_set_event_hook(rl_hook_func_t *hook) { rl_event_hook = hook; }
static inline void mnl_rl_set_attempted_completion_function(rl_completion_func_t *f) {
  rl_attempted_completion_function = f;
}
static inline void mnl_rl_set_completer_word_break_characters(const char *chars) {
  rl_completer_word_break_characters = chars;
}
static inline void mnl_rl_set_completion_word_break_hook(rl_cpvfunc_t *hook) {
  rl_completion_word_break_hook = hook;
}
static inline void mnl_rl_set_attempted_completion_over(int on) { rl_attempted_completion_over = on; }
static inline void mnl_rl_set_completion_append_character(int c) { rl_completion_append_character = c; }
static inline const char *mnl_rl_line_buffer(void) { return rl_line_buffer; }
static inline int mnl_rl_point(void) { return rl_point; }
static inline void mnl_rl_set_point(int point) { rl_point = point; }
// A multi-line cell is one history entry: written after a timestamp line ("#1733000000"),
// which marks where each entry starts when the file is read back.
static inline void mnl_history_keep_multiline_entries(void) {
  history_write_timestamps = 1;
  history_multiline_entries = 1;
  history_comment_char = '#';
}
static inline rl_compentry_func_t *mnl_rl_filename_completion_function(void) {
  return rl_filename_completion_function;
}
#endif
