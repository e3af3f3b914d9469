/*
 * list.h - intrusive circular doubly linked lists (run queues, wait
 * queues, the sleep list).  A node whose next is NULL is on no list.
 */
#ifndef RUMPK_LIST_H
#define RUMPK_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct rk_list {
	struct rk_list *next, *prev;
};

#define RK_CONTAINER_OF(ptr, type, member)                                     \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

static inline void rk_list_init(struct rk_list *head)
{
	head->next = head->prev = head;
}

static inline bool rk_list_empty(const struct rk_list *head)
{
	return head->next == head;
}

static inline bool rk_list_linked(const struct rk_list *node)
{
	return node->next != NULL;
}

static inline void rk_list_insert_before(struct rk_list *pos,
                                         struct rk_list *node)
{
	node->prev = pos->prev;
	node->next = pos;
	pos->prev->next = node;
	pos->prev = node;
}

static inline void rk_list_push_back(struct rk_list *head, struct rk_list *node)
{
	rk_list_insert_before(head, node);
}

static inline void rk_list_remove(struct rk_list *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	node->next = node->prev = NULL;
}

static inline struct rk_list *rk_list_pop_front(struct rk_list *head)
{
	struct rk_list *n = head->next;

	if (n == head)
		return NULL;
	rk_list_remove(n);
	return n;
}

#endif
