/* The walk of peelpipe.parse.blocks.html_blocks in C: the same steps over the same lexbor tree,
 * reading lexbor's node structures (lexbor_layout.h) instead of making a Python object for every
 * node. blocks.py keeps the Python walk as the reference and the fallback; the tests hold the two
 * to the same output. Read blocks.py first: this file follows its walk step by step. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "lexbor_layout.h"

#define MAX_TAG 1024 /* lexbor's standard tag ids are below this; custom tags are neither blocks nor skipped */

static PyObject *block_names[MAX_TAG]; /* tag id -> block element name, or NULL */
static unsigned char skipped_tags[MAX_TAG], bold_tags[MAX_TAG];
static uintptr_t img_id, br_id, span_id;
static PyObject *block_type;            /* peelpipe.parse.blocks.Block */
static PyObject *space, *strong, *empty, *zero_width_space, *body_name;

/* Text made only of HTML's ASCII whitespace (or nothing): what selectolax's skip_empty leaves out. */
static int ascii_space_only(const lxb_dom_node_t *node) {
    const lexbor_str_t *s = &((const lxb_dom_character_data_t *)node)->data;
    if (s->data == NULL) return 1;
    for (size_t i = 0; i < s->length; i++) {
        unsigned char c = s->data[i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\f' && c != '\r') return 0;
    }
    return 1;
}

/* Layout whitespace: a text node of ASCII whitespace, not empty. Inside a run it separates words. */
static int separating_space(const lxb_dom_node_t *node) {
    if (node == NULL || node->type != LXB_DOM_NODE_TYPE_TEXT) return 0;
    const lexbor_str_t *s = &((const lxb_dom_character_data_t *)node)->data;
    return s->data != NULL && s->length > 0 && ascii_space_only(node);
}

static int is_space(PyObject *text) { /* str.isspace() */
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0; i < n; i++)
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i))) return 0;
    return n > 0;
}

/* f" {(alt or '').strip()} " for an <img>. */
static PyObject *image_text(const lxb_dom_node_t *node) {
    PyObject *alt = NULL;
    for (const lxb_dom_attr_t *attr = ((const lxb_dom_element_t *)node)->first_attr; attr; attr = attr->next) {
        if (attr->node.local_name == LXB_DOM_ATTR_ALT && attr->node.prefix == 0) {
            if (attr->value != NULL && attr->value->data != NULL) {
                alt = PyUnicode_DecodeUTF8((const char *)attr->value->data, (Py_ssize_t)attr->value->length,
                                           "replace");
                if (alt == NULL) return NULL;
            }
            break;
        }
    }
    if (alt == NULL) return PyUnicode_FromString("  ");
    PyObject *stripped = PyObject_CallMethod(alt, "strip", NULL);
    Py_DECREF(alt);
    if (stripped == NULL) return NULL;
    PyObject *value = PyUnicode_FromFormat(" %U ", stripped);
    Py_DECREF(stripped);
    return value;
}

/* blocks._fold: runs of whitespace (and U+200B) made one space, trimmed; most text is already so. */
static PyObject *fold(PyObject *parts) {
    PyObject *text = PyUnicode_Join(empty, parts);
    if (text == NULL) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    int folded = n == 0 || (PyUnicode_READ(kind, data, 0) != ' ' && PyUnicode_READ(kind, data, n - 1) != ' ');
    for (Py_ssize_t i = 0; folded && i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (!Py_UNICODE_ISPRINTABLE(c) || (c == ' ' && i + 1 < n && PyUnicode_READ(kind, data, i + 1) == ' '))
            folded = 0;
    }
    if (folded) return text;
    PyObject *spaced = PyUnicode_Replace(text, zero_width_space, space, -1);
    Py_DECREF(text);
    if (spaced == NULL) return NULL;
    PyObject *words = PyUnicode_Split(spaced, NULL, -1);
    Py_DECREF(spaced);
    if (words == NULL) return NULL;
    PyObject *joined = PyUnicode_Join(space, words);
    Py_DECREF(words);
    return joined;
}

/* The finished run as a Block appended to out (nothing when its text folds to ""). */
static int flush(PyObject *out, PyObject *tag, PyObject *parts, int only_bold) {
    PyObject *text = fold(parts);
    if (text == NULL) return -1;
    if (PyUnicode_GET_LENGTH(text) == 0) {
        Py_DECREF(text);
        return 0;
    }
    PyObject *name = only_bold && PyUnicode_CompareWithASCIIString(tag, "p") == 0 ? strong : tag;
    PyObject *block = ((PyTypeObject *)block_type)->tp_alloc((PyTypeObject *)block_type, 2);
    if (block == NULL) {
        Py_DECREF(text);
        return -1;
    }
    PyTuple_SET_ITEM(block, 0, Py_NewRef(name));
    PyTuple_SET_ITEM(block, 1, text);
    int rc = PyList_Append(out, block);
    Py_DECREF(block);
    return rc;
}

typedef struct {
    const lxb_dom_node_t *next_child, *inline_node;
    long block;
    PyObject *block_tag; /* borrowed: from block_names or the headings dict, both alive for the walk */
    int bold;
} Frame;

static PyObject *walk(PyObject *Py_UNUSED(module), PyObject *args) {
    unsigned long long body_address;
    PyObject *headings;
    if (!PyArg_ParseTuple(args, "KO!", &body_address, &PyDict_Type, &headings)) return NULL;
    if (block_type == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "_blockwalk.configure() was not called");
        return NULL;
    }
    const lxb_dom_node_t *body = (const lxb_dom_node_t *)(uintptr_t)body_address;
    int have_headings = PyDict_GET_SIZE(headings) > 0;
    PyObject *out = PyList_New(0), *parts = PyList_New(0);
    Frame *stack = NULL;
    size_t depth = 0, capacity = 0;
    if (out == NULL || parts == NULL) goto error;

    /* The run being collected (its block's number, tag, parts, whether all of it is bold), then
     * the element being walked: its block, that block's tag, whether it is bold, the inline
     * element itself when it is not a block. The body is block 1. */
    long current = 0, blocks = 1, block = 1;
    PyObject *tag = empty, *block_tag = body_name;
    int only_bold = 1, bold = 0;
    const lxb_dom_node_t *next_child = body->first_child, *inline_node = NULL;
    for (;;) {
        const lxb_dom_node_t *node = next_child, *entered = NULL;
        for (; node != NULL; node = node->next) {
            int is_text = node->type == LXB_DOM_NODE_TYPE_TEXT, is_element = node->type == LXB_DOM_NODE_TYPE_ELEMENT;
            if (is_text && ascii_space_only(node)) continue;
            if (block == current && separating_space(node->prev) && PyList_Append(parts, space) < 0) goto error;
            uintptr_t id = node->local_name;
            if (is_text || (is_element && (id == img_id || id == br_id))) {
                int image = is_element && id == img_id;
                PyObject *value;
                if (is_text) {
                    const lexbor_str_t *s = &((const lxb_dom_character_data_t *)node)->data;
                    value = PyUnicode_DecodeUTF8((const char *)s->data, (Py_ssize_t)s->length, "replace");
                } else {
                    value = image ? image_text(node) : Py_NewRef(space);
                }
                if (value == NULL) goto error;
                if (block == current) {
                    if (only_bold && (image || !bold) && !is_space(value)) only_bold = 0;
                    int rc = PyList_Append(parts, value);
                    Py_DECREF(value);
                    if (rc < 0) goto error;
                } else if (!is_space(value)) {
                    if (PyList_GET_SIZE(parts) && flush(out, tag, parts, only_bold) < 0) {
                        Py_DECREF(value);
                        goto error;
                    }
                    Py_SETREF(parts, PyList_New(1));
                    if (parts == NULL) {
                        Py_DECREF(value);
                        goto error;
                    }
                    PyList_SET_ITEM(parts, 0, value);
                    current = block, tag = block_tag, only_bold = bold && !image;
                } else {
                    Py_DECREF(value);
                }
                continue;
            }
            if (!is_element || (id < MAX_TAG && skipped_tags[id])) continue;
            entered = node;
            break;
        }
        if (entered != NULL) {
            if (depth == capacity) {
                size_t grown = capacity ? capacity * 2 : 64;
                Frame *bigger = PyMem_Realloc(stack, grown * sizeof(Frame));
                if (bigger == NULL) {
                    PyErr_NoMemory();
                    goto error;
                }
                stack = bigger, capacity = grown;
            }
            stack[depth++] = (Frame){entered->next, inline_node, block, block_tag, bold};
            next_child = entered->first_child;
            uintptr_t id = entered->local_name;
            PyObject *name = id < MAX_TAG ? block_names[id] : NULL, *heading = NULL;
            if (have_headings && (name != NULL || id == span_id)) {
                PyObject *key = PyLong_FromSize_t((size_t)(uintptr_t)entered);
                if (key == NULL) goto error;
                heading = PyDict_GetItemWithError(headings, key);
                Py_DECREF(key);
                if (heading == NULL && PyErr_Occurred()) goto error;
            }
            if (name != NULL || heading != NULL) {
                block = ++blocks, block_tag = heading != NULL ? heading : name, bold = 0, inline_node = NULL;
            } else {
                inline_node = entered;
                if (id < MAX_TAG && bold_tags[id]) bold = 1;
            }
            continue;
        }
        if (inline_node != NULL && block == current && separating_space(inline_node->last_child)
            && PyList_Append(parts, space) < 0) goto error;
        if (depth == 0) break;
        Frame *top = &stack[--depth];
        next_child = top->next_child, inline_node = top->inline_node, block = top->block;
        block_tag = top->block_tag, bold = top->bold;
    }
    if (PyList_GET_SIZE(parts) && flush(out, tag, parts, only_bold) < 0) goto error;
    PyMem_Free(stack);
    Py_DECREF(parts);
    return out;
error:
    PyMem_Free(stack);
    Py_XDECREF(parts);
    Py_XDECREF(out);
    return NULL;
}

static int set_ids(PyObject *ids, unsigned char *table) {
    PyObject *iter = PyObject_GetIter(ids), *item;
    if (iter == NULL) return -1;
    while ((item = PyIter_Next(iter)) != NULL) {
        size_t id = PyLong_AsSize_t(item);
        Py_DECREF(item);
        if (id == (size_t)-1 && PyErr_Occurred()) break;
        if (id < MAX_TAG) table[id] = 1;
    }
    Py_DECREF(iter);
    return PyErr_Occurred() ? -1 : 0;
}

static PyObject *configure(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *names, *skipped, *bold, *type;
    unsigned long long img, br, span;
    if (!PyArg_ParseTuple(args, "O!OOKKKO!", &PyDict_Type, &names, &skipped, &bold, &img, &br, &span,
                          &PyType_Type, &type)) return NULL;
    if (!PyType_IsSubtype((PyTypeObject *)type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "the block type must be a tuple subclass");
        return NULL;
    }
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(names, &pos, &key, &value)) {
        size_t id = PyLong_AsSize_t(key);
        if (id == (size_t)-1 && PyErr_Occurred()) return NULL;
        if (id >= MAX_TAG || !PyUnicode_Check(value)) {
            PyErr_Format(PyExc_ValueError, "block tag id %zu or name %R out of range", id, value);
            return NULL;
        }
        Py_XSETREF(block_names[id], Py_NewRef(value));
    }
    memset(skipped_tags, 0, sizeof skipped_tags);
    memset(bold_tags, 0, sizeof bold_tags);
    if (set_ids(skipped, skipped_tags) < 0 || set_ids(bold, bold_tags) < 0) return NULL;
    img_id = img, br_id = br, span_id = span;
    Py_XSETREF(block_type, Py_NewRef(type));
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"configure", configure, METH_VARARGS,
     "configure(block_names, skipped_ids, bold_ids, img_id, br_id, span_id, block_type): the walk's tag tables."},
    {"walk", walk, METH_VARARGS,
     "walk(body_mem_id, headings) -> list of blocks; body_mem_id is LexborNode.mem_id of a live tree's body."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, .m_name = "_blockwalk", .m_size = -1, .m_methods = methods};

PyMODINIT_FUNC PyInit__blockwalk(void) {
    space = PyUnicode_InternFromString(" ");
    strong = PyUnicode_InternFromString("strong");
    empty = PyUnicode_InternFromString("");
    zero_width_space = PyUnicode_FromOrdinal(0x200B);
    body_name = PyUnicode_InternFromString("body");
    if (!space || !strong || !empty || !zero_width_space || !body_name) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddStringConstant(m, "COMPILED_FOR_SELECTOLAX", COMPILED_FOR_SELECTOLAX) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
