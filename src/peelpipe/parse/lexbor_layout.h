/* The few lexbor structures _blockwalk.c reads, with the field layout of lexbor's own headers
 * (source/lexbor/core/str.h, dom/interfaces/{event_target,node,character_data,element,attr}.h)
 * in the lexbor that selectolax 1.0.2 is built with (its sdist carries the source). Only the
 * fields up to the last one read are declared; nothing here is ever allocated or written.
 * lexbor is by Alexander Borisov, under the Apache License 2.0.
 *
 * Another selectolax version may lay these out differently: peelpipe.parse.blocks uses the compiled
 * walk only with the selectolax version named in COMPILED_FOR_SELECTOLAX, and checks it against the
 * Python walk on a probe page when it loads. */
#ifndef PEELPIPE_LEXBOR_LAYOUT_H
#define PEELPIPE_LEXBOR_LAYOUT_H
#define COMPILED_FOR_SELECTOLAX "1.0.2"

#include <stddef.h>
#include <stdint.h>

typedef struct { unsigned char *data; size_t length; } lexbor_str_t;
typedef struct { void *events; } lxb_dom_event_target_t;
typedef struct lxb_dom_node lxb_dom_node_t;
struct lxb_dom_node {
    lxb_dom_event_target_t event_target;
    uintptr_t local_name;
    uintptr_t prefix;
    uintptr_t ns;
    void *owner_document;
    lxb_dom_node_t *next;
    lxb_dom_node_t *prev;
    lxb_dom_node_t *parent;
    lxb_dom_node_t *first_child;
    lxb_dom_node_t *last_child;
    void *user;
    int type; /* lxb_dom_node_type_t */
};
enum { LXB_DOM_NODE_TYPE_ELEMENT = 1, LXB_DOM_NODE_TYPE_TEXT = 3 };
typedef struct { lxb_dom_node_t node; lexbor_str_t data; } lxb_dom_character_data_t;
typedef struct lxb_dom_attr lxb_dom_attr_t;
struct lxb_dom_attr {
    lxb_dom_node_t node;
    uintptr_t upper_name;
    uintptr_t qualified_name;
    lexbor_str_t *value;
    void *owner;
    lxb_dom_attr_t *next;
    lxb_dom_attr_t *prev;
};
typedef struct {
    lxb_dom_node_t node;
    uintptr_t upper_name;
    uintptr_t qualified_name;
    lexbor_str_t *is_value;
    lxb_dom_attr_t *first_attr;
    lxb_dom_attr_t *last_attr;
} lxb_dom_element_t;
#define LXB_DOM_ATTR_ALT 0x0006

#endif
